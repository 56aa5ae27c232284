// Admin control mode activation in the simulator (wsman.md sections 7.2 and 7.3).
#include "wsman/acm.hpp"

#include "wsman/acm_chain.hpp"

#include <algorithm>

namespace amtcfg::sim {
namespace {

constexpr std::size_t k_max_chain = 4;
constexpr int k_first_version_without_admin_setup = 19; // CSME 19 removed AdminSetup

bool lowercase_md5_hex(std::string_view text) {
    return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

void reset_chain(SetupScratch& scratch) {
    scratch.chain.clear();
    scratch.cert_chain_status = 0;
}

// Checks McNonce, SigningAlgorithm and DigitalSignature against the last ConfigurationNonce
// and the leaf of the completed chain; the nonce is used up either way.
std::uint32_t check_signed_request(CallContext& context, const MethodInput& input) {
    auto& scratch = context.scratch;
    auto mc_nonce = base64_arg(input, "McNonce");
    auto algorithm = uint_arg(input, "SigningAlgorithm");
    auto signature = base64_arg(input, "DigitalSignature");
    if (!mc_nonce || mc_nonce->size() != k_nonce_size || !algorithm ||
        *algorithm != k_rsa_sha2_256 || !signature || signature->empty()) {
        return k_setup_invalid_param;
    }
    if (scratch.cert_chain_status != 2 || scratch.configuration_nonce.size() != k_nonce_size) {
        return k_setup_invalid_state;
    }
    auto data = scratch.configuration_nonce;
    data.insert(data.end(), mc_nonce->begin(), mc_nonce->end());
    scratch.configuration_nonce.clear();
    if (!verify_signature(scratch.chain.front(), data, *signature)) {
        return k_setup_auth_failed;
    }
    return k_setup_success;
}

} // namespace

// Leaf first: IsLeafCertificate starts a chain, IsRootCertificate ends it and runs the checks.
MethodOutput add_next_cert_in_chain(CallContext& context, const MethodInput& input,
                                    pugi::xml_node) {
    auto& scratch = context.scratch;
    if (context.state.control_mode == 2) {
        return {{}, k_chain_invalid_state};
    }
    auto der = base64_arg(input, "NextCertificate");
    auto is_leaf = input.get("IsLeafCertificate");
    auto is_root = input.get("IsRootCertificate");
    bool flags_ok =
        (is_leaf == "true" || is_leaf == "false") && (is_root == "true" || is_root == "false");
    if (!der || !flags_ok || !parses_as_certificate(*der)) {
        return {{}, k_chain_invalid_param};
    }
    if (is_leaf == "true") {
        reset_chain(scratch);
    } else if (scratch.cert_chain_status != 1) {
        return {{}, k_chain_invalid_state};
    }
    if (scratch.chain.size() == k_max_chain) {
        reset_chain(scratch);
        return {{}, k_chain_length_exceeded};
    }
    scratch.chain.push_back(*der);
    scratch.cert_chain_status = 1;
    if (is_root == "true") {
        auto amt_time = context.env.now() + context.state.clock_offset_seconds;
        if (check_provisioning_chain(scratch.chain, context.state, amt_time)) {
            reset_chain(scratch);
            return {{}, k_chain_verify_failed};
        }
        scratch.cert_chain_status = 2;
    }
    return {{}, k_chain_success};
}

MethodOutput admin_setup(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& state = context.state;
    if (std::stoi("0" + state.amt_version.substr(0, state.amt_version.find('.'))) >=
        k_first_version_without_admin_setup) {
        throw WsmanFault(fault::action_not_supported, "AdminSetup was removed in CSME 19");
    }
    if (state.control_mode != 0 || state.provisioning_state != 0) {
        return {{}, k_setup_invalid_state};
    }
    auto encryption = uint_arg(input, "NetAdminPassEncryptionType");
    auto password = input.get("NetworkAdminPassword");
    if (!encryption || *encryption != k_http_digest_md5_a1 || !lowercase_md5_hex(password)) {
        return {{}, k_setup_invalid_param};
    }
    auto verdict = check_signed_request(context, input);
    if (verdict != k_setup_success) {
        return {{}, verdict};
    }
    state.wsman.admin_ha1 = password;
    state.admin_password.clear(); // only the digest is known
    state.control_mode = 2;
    state.provisioning_state = 2;
    reset_chain(context.scratch);
    return {{}, k_setup_success};
}

// CCM -> ACM, authenticated as admin; the password stays (wsman.md section 7.3).
MethodOutput upgrade_client_to_admin(CallContext& context, const MethodInput& input,
                                     pugi::xml_node) {
    if (context.state.control_mode != 1 || context.user != "admin") {
        return {{}, k_setup_invalid_state};
    }
    auto verdict = check_signed_request(context, input);
    if (verdict != k_setup_success) {
        return {{}, verdict};
    }
    context.state.control_mode = 2;
    reset_chain(context.scratch);
    return {{}, k_setup_success};
}

} // namespace amtcfg::sim
