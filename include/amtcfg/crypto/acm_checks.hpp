// ACM pre-flight checks of the provisioning certificate, each with a diagnostic that names the
// problem and the fix (reference wsman.md section 7.2, "Provisioning-certificate requirements").
#pragma once

#include "amtcfg/crypto/pkcs12.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::crypto {

// The Extended Key Usage OID of Intel AMT setup certificates.
inline constexpr std::string_view k_amt_setup_oid = "2.16.840.1.113741.1.2.3";
// The alternative marker: the subject OU, compared exactly (case-sensitive).
inline constexpr std::string_view k_client_setup_ou = "Intel(R) Client Setup Certificate";
// RPS supports chains of at most 4 certificates; longer chains are untested with AMT.
inline constexpr std::size_t k_max_tested_chain = 4;

// The leaf carries the AMT setup OID in its EKU, or the Client Setup OU.
std::optional<std::string> check_setup_usage(const Certificate& leaf);

// The leaf CN's domain matches AMT's DNS suffix: case-insensitively, the CN (a leading "*."
// removed) equals the suffix or ends with "." + suffix. An empty suffix is a problem too.
std::optional<std::string> check_dns_suffix(const Certificate& leaf, std::string_view dns_suffix);

// `now` lies within the certificate's validity period. The clock is injected.
std::optional<std::string> check_validity(const Certificate& certificate,
                                          std::chrono::system_clock::time_point now);

// One of AMT's trusted root certificate hashes (AMTHI GetCertHashEntry), with the algorithm
// named as to_string(HashAlgorithm) does ("sha256"); other algorithms never match.
struct TrustedRootHash {
    std::string name;
    std::string algorithm;
    Bytes hash;
    bool active = false;
};

// The root's DER hash is among AMT's active trusted hashes (reference wsman.md section 7.2 step
// 2). Names the root, its SHA-256 hash and what AMT trusts when it is not; says to activate the
// hash when it matches an inactive one.
std::optional<std::string> check_root_trusted(const Certificate& root,
                                              const std::vector<TrustedRootHash>& trusted);

struct PreflightReport {
    std::vector<std::string> problems; // any of these makes ACM activation fail
    std::vector<std::string> warnings; // known to cause trouble, not certain to
    bool ok() const { return problems.empty(); }
};

// Every certificate check at once: usage and DNS suffix of the leaf, validity of every
// certificate; warnings for SHA-1 signatures and chains longer than k_max_tested_chain. The
// root-hash check needs AMT's hash list and is done by the caller with fingerprint().
PreflightReport acm_preflight(const ProvisioningChain& chain, std::string_view dns_suffix,
                              std::chrono::system_clock::time_point now);

} // namespace amtcfg::crypto
