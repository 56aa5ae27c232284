// Typed calls for redirection features: SOL/IDER, KVM, user consent, and the AMT version list.
#pragma once

#include "amtcfg/wsman/client.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace amtcfg::wsman {

// AMT_RedirectionService.
struct RedirectionService {
    std::uint32_t enabled_state = 0; // 32768 none, 32769 IDER, 32770 SOL, 32771 both
    bool listener_enabled = false;   // 16994/16995 open
    Element raw;
};
RedirectionService get_redirection_service(Client& client);
// Puts ListenerEnabled over `raw` (no selector).
RedirectionService put_redirection_service(Client& client, const RedirectionService& service);

enum class RedirectionState : std::uint32_t {
    none = 32768,
    ider = 32769,
    sol = 32770,
    ider_and_sol = 32771,
};
MethodResult request_redirection_state_change(Client& client, RedirectionState state);

// CIM_KVMRedirectionSAP. SKUs without KVM answer with the DestinationUnreachable fault
// (amt_unavailable).
struct KvmRedirectionSap {
    std::uint32_t enabled_state = 0; // 2 enabled, 3 disabled, 6 enabled but offline
    std::uint32_t requested_state = 0;
    std::uint32_t kvm_protocol = 0;
};
KvmRedirectionSap get_kvm_redirection_sap(Client& client);

enum class KvmState : std::uint32_t { enabled = 2, disabled = 3 };
MethodResult request_kvm_state_change(Client& client, KvmState state);

// IPS_KVMRedirectionSettingData.
struct KvmRedirectionSettingData {
    bool enabled_by_mebx = false;
    bool is_5900_port_enabled = false;
    bool opt_in_policy = false;
    std::uint32_t opt_in_policy_timeout = 0;
    std::uint32_t session_timeout = 0;
    Element raw;
};
KvmRedirectionSettingData get_kvm_redirection_setting_data(Client& client);
// Puts Is5900PortEnabled, OptInPolicy, OptInPolicyTimeout and SessionTimeout over `raw`
// (no selector). RFBPassword is write-only and left out: AMT sends it back empty.
KvmRedirectionSettingData
put_kvm_redirection_setting_data(Client& client, const KvmRedirectionSettingData& settings);

// IPS_OptInService (user consent).
inline constexpr std::uint32_t k_opt_in_none = 0;
inline constexpr std::uint32_t k_opt_in_kvm = 1;
inline constexpr std::uint32_t k_opt_in_all = 4294967295U;
struct OptInService {
    std::uint32_t opt_in_required = 0; // k_opt_in_none, k_opt_in_kvm or k_opt_in_all
    std::uint32_t opt_in_state = 0;    // 0 NotStarted ... 4 InSession
    bool can_modify_opt_in_policy = false;
    Element raw;
};
OptInService get_opt_in_service(Client& client);
// "none", "kvm", "all", or the number for a value outside those.
std::string opt_in_name(std::uint32_t opt_in_required);
// Whether a CIM_KVMRedirectionSAP EnabledState means enabled (2, or 6: enabled, no session).
bool kvm_enabled(std::uint32_t enabled_state);
// Puts OptInRequired over `raw` (no selector); AMT changes it only if CanModifyOptInPolicy.
OptInService put_opt_in_service(Client& client, const OptInService& service);

// CIM_SoftwareIdentity: the firmware's version strings ("AMT", "Flash", "Build Number", ...).
struct SoftwareIdentity {
    std::string instance_id;
    std::string version_string;
    bool is_entity = false;
};
std::vector<SoftwareIdentity> enumerate_software_identity(Client& client);
// The VersionString of the instance with InstanceID "AMT", or empty.
std::string amt_version(const std::vector<SoftwareIdentity>& identities);

} // namespace amtcfg::wsman
