// Certificate checks of ACM activation as the simulated firmware does them: chain signatures,
// the root hash against the device's trusted hashes, the provisioning-certificate rules and
// the DNS suffix (wsman.md section 7.2).
#pragma once

#include "device.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::sim {

using Der = std::vector<std::uint8_t>;

// Why a chain was refused, or nothing when AMT accepts it. `chain` is leaf first, root last;
// `amt_time` is the device clock (Unix seconds) for validity dates.
std::optional<std::string> check_provisioning_chain(const std::vector<Der>& chain,
                                                    const DeviceState& device,
                                                    std::int64_t amt_time);

bool parses_as_certificate(const Der& der);

// Why `root` is not admitted as a trusted root of `device` (its SHA-256 or SHA-384 is not an
// active cert_hashes entry), or nothing. Also the SHBC client-certificate check uses it.
std::optional<std::string> root_hash_problem(const Der& root, const DeviceState& device);

// RSA PKCS#1 v1.5 with SHA-256 over `data`, checked with the public key of certificate `der`.
bool verify_signature(const Der& der, const std::vector<std::uint8_t>& data,
                      const std::vector<std::uint8_t>& signature);

} // namespace amtcfg::sim
