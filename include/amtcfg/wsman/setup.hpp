// Typed calls for activation and deactivation: general settings, host-based setup, setup service.
#pragma once

#include "amtcfg/util/secret.hpp"
#include "amtcfg/wsman/client.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

// AMT_GeneralSettings (singleton). `raw` is the instance as AMT sent it: AMT wants the whole
// instance back on Put, so put_general_settings() writes the typed fields into a copy of it.
struct GeneralSettings {
    std::string instance_id;
    std::string digest_realm; // "Digest:" + 32 hex digits; read-only
    std::string host_name;
    std::string domain_name;
    bool ping_response_enabled = false;
    bool rmcp_ping_response_enabled = false;
    bool shared_fqdn = false;
    std::uint32_t amt_network_enabled = 0; // 0 disabled, 1 enabled
    Element raw;
};

GeneralSettings get_general_settings(Client& client);
// Puts HostName, DomainName, PingResponseEnabled, RmcpPingResponseEnabled, SharedFQDN and
// AMTNetworkEnabled over `raw`; returns the instance AMT answers with.
GeneralSettings put_general_settings(Client& client, const GeneralSettings& settings);

// IPS_HostBasedSetupService.
struct HostBasedSetupService {
    std::uint32_t current_control_mode = 0; // 0 NotProvisioned, 1 Client (CCM), 2 Admin (ACM)
    std::vector<std::uint32_t> allowed_control_modes;
    std::uint32_t cert_chain_status = 0; // 0 NotStarted, 1 ChainInProgress, 2 ChainComplete
    std::string configuration_nonce;     // base64 of 20 bytes
};

HostBasedSetupService get_host_based_setup_service(Client& client);

// Setup (CCM). `network_admin_password` is the 32 lowercase hex digits of
// MD5("admin:" + DigestRealm + ":" + password); it is sent with NetAdminPassEncryptionType 2.
MethodResult setup(Client& client, const Secret& network_admin_password);

enum class ChainLink { leaf, intermediate, root };
// AddNextCertInChain, called leaf first, root last. `certificate` is base64 DER, one line.
MethodResult add_next_cert_in_chain(Client& client, std::string_view certificate, ChainLink link);

// AdminSetup (ACM, up to CSME 18) with SigningAlgorithm 2 (RSASHA2256). `mc_nonce` and
// `digital_signature` are base64.
MethodResult admin_setup(Client& client, const Secret& network_admin_password,
                         std::string_view mc_nonce, std::string_view digital_signature);
// UpgradeClientToAdmin (CCM -> ACM), authenticated as admin.
MethodResult upgrade_client_to_admin(Client& client, std::string_view mc_nonce,
                                     std::string_view digital_signature);

// AMT_SetupAndConfigurationService.
struct SetupAndConfigurationService {
    std::uint32_t provisioning_mode = 0;  // 1 Admin (ACM), 4 Client (CCM)
    std::uint32_t provisioning_state = 0; // 0 Pre, 1 In, 2 Post
    std::uint32_t password_model = 0;     // 0 Coupled, 1 Separate, 2 SeparateHash
    std::uint32_t enabled_state = 0;
};

SetupAndConfigurationService get_setup_and_configuration_service(Client& client);
// Unprovision with ProvisioningMode 1 (full unprovision; values 0, 1, 16, 36, 2076).
MethodResult unprovision(Client& client);
MethodResult partial_unprovision(Client& client);
// CommitChanges: values 0, 1, 38, 2057 (DATA_MISSING: a MEBx password is required).
MethodResult commit_changes(Client& client);
// SetMEBxPassword with the password in plain text (values 0, 1, 16, 2054).
MethodResult set_mebx_password(Client& client, const Secret& password);

struct UuidResult {
    MethodResult result;
    std::string uuid; // base64 of 16 bytes as AMT sends it
};
UuidResult get_uuid(Client& client);

} // namespace amtcfg::wsman
