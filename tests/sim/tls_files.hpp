// The simulated AMT's TLS material: the files tests/certs/make-sim-tls.sh makes in the
// directory AMTCFG_SIM_TLS_DIR names (its header comment is the contract).
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <optional>
#include <string>

namespace amtcfg::sim {

namespace tls_file {
inline constexpr const char* amt_chain = "amt-chain.pem"; // AMT's ODCA chain, leaf first
inline constexpr const char* amt_key = "amt-leaf.key";
inline constexpr const char* bad_chain = "bad-chain.pem"; // tls-bad-chain: another root
inline constexpr const char* bad_key = "bad-leaf.key";
inline constexpr const char* post_cert = "post.pem"; // after provisioning: self-signed
inline constexpr const char* post_key = "post.key";
} // namespace tls_file

// Why `dir` cannot serve a TLS-enforced device (a missing or unreadable file), or nothing.
std::optional<std::string> tls_dir_problem(const std::string& dir);

// The raw SHA-256 of the DER of AMT's TLS leaf (the first certificate of amt-chain.pem): the
// AMTCertHash of StartConfigurationHBased. Throws std::runtime_error when it cannot be read.
Bytes amt_leaf_sha256(const std::string& dir);

} // namespace amtcfg::sim
