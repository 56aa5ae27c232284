// Typed calls of AMT_GeneralSettings, IPS_HostBasedSetupService and
// AMT_SetupAndConfigurationService (reference/wsman.md sections 6, 7 and 9).
#include "amtcfg/wsman/setup.hpp"

#include "amtcfg/wsman/schema.hpp"
#include "properties.hpp"

namespace amtcfg::wsman {

using detail::bool_property;
using detail::bool_text;
using detail::invoke_secret;
using detail::u32_property;

namespace {

constexpr std::string_view k_general = "AMT_GeneralSettings";
constexpr std::string_view k_host_setup = "IPS_HostBasedSetupService";
constexpr std::string_view k_setup_service = "AMT_SetupAndConfigurationService";
// NetAdminPassEncryptionType 2 = HTTPDigestMD5A1; SigningAlgorithm 2 = RSASHA2256.
constexpr std::string_view k_http_digest_md5_a1 = "2";
constexpr std::string_view k_rsa_sha2_256 = "2";
// Unprovision's ProvisioningMode argument: 1 = full unprovision.
constexpr std::string_view k_full_unprovision = "1";

GeneralSettings general_from(Element raw) {
    GeneralSettings s;
    s.instance_id = raw.property("InstanceID");
    s.digest_realm = raw.property("DigestRealm");
    s.host_name = raw.property("HostName");
    s.domain_name = raw.property("DomainName");
    s.ping_response_enabled = bool_property(raw, "PingResponseEnabled");
    s.rmcp_ping_response_enabled = bool_property(raw, "RmcpPingResponseEnabled");
    s.shared_fqdn = bool_property(raw, "SharedFQDN");
    s.amt_network_enabled = u32_property(raw, "AMTNetworkEnabled");
    s.raw = std::move(raw);
    return s;
}

} // namespace

GeneralSettings get_general_settings(Client& client) {
    return general_from(detail::instance(client.get(class_uri(k_general)), k_general));
}

GeneralSettings put_general_settings(Client& client, const GeneralSettings& settings) {
    Element body = settings.raw;
    if (body.name.empty()) {
        body = Element{class_uri(k_general), std::string(k_general), {}, {}, {}};
    }
    body.set_property("HostName", settings.host_name);
    body.set_property("DomainName", settings.domain_name);
    body.set_property("PingResponseEnabled", bool_text(settings.ping_response_enabled));
    body.set_property("RmcpPingResponseEnabled", bool_text(settings.rmcp_ping_response_enabled));
    body.set_property("SharedFQDN", bool_text(settings.shared_fqdn));
    body.set_property("AMTNetworkEnabled", std::to_string(settings.amt_network_enabled));
    Envelope answer = client.put(class_uri(k_general), std::move(body));
    return general_from(detail::instance(answer, k_general));
}

HostBasedSetupService get_host_based_setup_service(Client& client) {
    Element raw = detail::instance(client.get(class_uri(k_host_setup)), k_host_setup);
    HostBasedSetupService s;
    s.current_control_mode = u32_property(raw, "CurrentControlMode");
    s.allowed_control_modes = detail::u32_list(raw, "AllowedControlModes");
    s.cert_chain_status = u32_property(raw, "CertChainStatus");
    s.configuration_nonce = raw.property("ConfigurationNonce");
    return s;
}

MethodResult setup(Client& client, const Secret& network_admin_password) {
    return invoke_secret(client, k_host_setup, "Setup",
                         {{"NetAdminPassEncryptionType", std::string(k_http_digest_md5_a1)},
                          {"NetworkAdminPassword", network_admin_password.reveal()}});
}

MethodResult add_next_cert_in_chain(Client& client, std::string_view certificate, ChainLink link) {
    return client.invoke(class_uri(k_host_setup), "AddNextCertInChain",
                         {{"NextCertificate", std::string(certificate)},
                          {"IsLeafCertificate", bool_text(link == ChainLink::leaf)},
                          {"IsRootCertificate", bool_text(link == ChainLink::root)}});
}

MethodResult admin_setup(Client& client, const Secret& network_admin_password,
                         std::string_view mc_nonce, std::string_view digital_signature) {
    return invoke_secret(client, k_host_setup, "AdminSetup",
                         {{"NetAdminPassEncryptionType", std::string(k_http_digest_md5_a1)},
                          {"NetworkAdminPassword", network_admin_password.reveal()},
                          {"McNonce", std::string(mc_nonce)},
                          {"SigningAlgorithm", std::string(k_rsa_sha2_256)},
                          {"DigitalSignature", std::string(digital_signature)}});
}

MethodResult upgrade_client_to_admin(Client& client, std::string_view mc_nonce,
                                     std::string_view digital_signature) {
    return client.invoke(class_uri(k_host_setup), "UpgradeClientToAdmin",
                         {{"McNonce", std::string(mc_nonce)},
                          {"SigningAlgorithm", std::string(k_rsa_sha2_256)},
                          {"DigitalSignature", std::string(digital_signature)}});
}

SetupAndConfigurationService get_setup_and_configuration_service(Client& client) {
    Element raw = detail::instance(client.get(class_uri(k_setup_service)), k_setup_service);
    SetupAndConfigurationService s;
    s.provisioning_mode = u32_property(raw, "ProvisioningMode");
    s.provisioning_state = u32_property(raw, "ProvisioningState");
    s.password_model = u32_property(raw, "PasswordModel");
    s.enabled_state = u32_property(raw, "EnabledState");
    return s;
}

MethodResult unprovision(Client& client) {
    return client.invoke(class_uri(k_setup_service), "Unprovision",
                         {{"ProvisioningMode", std::string(k_full_unprovision)}});
}

MethodResult partial_unprovision(Client& client) {
    return client.invoke(class_uri(k_setup_service), "PartialUnprovision", {});
}

MethodResult commit_changes(Client& client) {
    return client.invoke(class_uri(k_setup_service), "CommitChanges", {});
}

MethodResult set_mebx_password(Client& client, const Secret& password) {
    return invoke_secret(client, k_setup_service, "SetMEBxPassword",
                         {{"Password", password.reveal()}});
}

UuidResult get_uuid(Client& client) {
    UuidResult out{client.invoke(class_uri(k_setup_service), "GetUuid", {}), {}};
    out.uuid = out.result.output.property("UUID");
    return out;
}

} // namespace amtcfg::wsman
