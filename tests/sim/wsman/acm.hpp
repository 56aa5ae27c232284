// Admin control mode activation in the simulator: certificate chain, hash and DNS-suffix
// checks, and the AdminSetup / UpgradeClientToAdmin signature (wsman.md section 7.2-7.3).
#pragma once

#include "wsman/classes.hpp"

namespace amtcfg::sim {

constexpr std::size_t k_nonce_size = 20;
constexpr std::uint32_t k_http_digest_md5_a1 = 2; // NetAdminPassEncryptionType
constexpr std::uint32_t k_rsa_sha2_256 = 2;       // SigningAlgorithm

// IPS_HostBasedSetupService's own return values (not PT_STATUS).
constexpr std::uint32_t k_setup_success = 0;
constexpr std::uint32_t k_setup_internal_error = 1;
constexpr std::uint32_t k_setup_invalid_state = 2;
constexpr std::uint32_t k_setup_invalid_param = 3;
constexpr std::uint32_t k_setup_auth_failed = 5;
constexpr std::uint32_t k_chain_success = 0;
constexpr std::uint32_t k_chain_invalid_param = 1;
constexpr std::uint32_t k_chain_internal_error = 2;
constexpr std::uint32_t k_chain_invalid_state = 3;
constexpr std::uint32_t k_chain_verify_failed = 4;
constexpr std::uint32_t k_chain_length_exceeded = 5;

MethodOutput add_next_cert_in_chain(CallContext& context, const MethodInput& input, pugi::xml_node);
MethodOutput admin_setup(CallContext& context, const MethodInput& input, pugi::xml_node);
MethodOutput upgrade_client_to_admin(CallContext& context, const MethodInput& input,
                                     pugi::xml_node);

} // namespace amtcfg::sim
