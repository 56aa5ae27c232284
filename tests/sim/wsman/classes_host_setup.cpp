// IPS_HostBasedSetupService: Get (with a fresh ConfigurationNonce) and CCM Setup; the ACM
// methods are in acm.cpp (wsman.md sections 6 and 7).
#include "wsman/acm.hpp"
#include "wsman/classes.hpp"

namespace amtcfg::sim {
namespace {

bool lowercase_md5_hex(std::string_view text) {
    return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Every Get hands out a new 20-byte nonce; AdminSetup is verified against the last one.
std::vector<Instance> host_setup_instances(CallContext& context) {
    const auto& state = context.state;
    context.scratch.configuration_nonce = context.env.random(k_nonce_size);
    Instance instance;
    if (state.control_mode == 0) {
        instance.add("AllowedControlModes", "2");
        instance.add("AllowedControlModes", "1");
    } else if (state.control_mode == 1) {
        instance.add("AllowedControlModes", "2");
    }
    instance.add("CertChainStatus", std::to_string(context.scratch.cert_chain_status));
    instance.add("ConfigurationNonce", base64_encode(context.scratch.configuration_nonce));
    instance.add("CreationClassName", "IPS_HostBasedSetupService");
    instance.add("CurrentControlMode", std::to_string(state.control_mode));
    instance.add("ElementName", "Intel(r) AMT Host Based Setup Service");
    instance.add("Name", "Intel(r) AMT Host Based Setup Service");
    instance.add("SystemCreationClassName", "CIM_ComputerSystem");
    instance.add("SystemName", "Intel(r) AMT");
    return {instance};
}

// CCM: NetworkAdminPassword is lowercase hex MD5("admin:" realm ":" password); the device
// keeps it as the admin account's digest HA1.
MethodOutput setup(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& state = context.state;
    if (state.control_mode != 0 || state.provisioning_state != 0) {
        return {{}, k_setup_invalid_state};
    }
    auto encryption = uint_arg(input, "NetAdminPassEncryptionType");
    auto password = input.get("NetworkAdminPassword");
    if (!encryption || *encryption != k_http_digest_md5_a1 || !lowercase_md5_hex(password)) {
        return {{}, k_setup_invalid_param};
    }
    state.wsman.admin_ha1 = password;
    state.admin_password.clear(); // only the digest is known
    state.control_mode = 1;
    // TLS-enforced devices stay "in" provisioning until CommitChanges (section 7.1 step 5).
    state.provisioning_state = state.tls_enforced ? 1 : 2;
    return {{}, k_setup_success};
}

constexpr MethodSpec k_host_setup_methods[] = {
    {"Setup", setup},
    {"AddNextCertInChain", add_next_cert_in_chain},
    {"AdminSetup", admin_setup},
    {"UpgradeClientToAdmin", upgrade_client_to_admin},
};

} // namespace

const ClassSpec k_host_based_setup{
    "IPS_HostBasedSetupService", ns::ips_schema, host_setup_instances, nullptr, {},
    k_host_setup_methods};

} // namespace amtcfg::sim
