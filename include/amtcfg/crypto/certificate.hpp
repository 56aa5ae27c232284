// X.509 certificates as plain values (no OpenSSL types), and their fingerprints.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::crypto {

enum class HashAlgorithm { sha1, sha256, sha384, sha512 };

std::string_view to_string(HashAlgorithm algorithm); // "sha256"

// The digest of `data` (for certificates: of the DER encoding, as AMT's trusted root hashes).
Bytes fingerprint(ByteView data, HashAlgorithm algorithm);

// What amtcfg needs to know about a certificate, read once from its DER encoding.
struct Certificate {
    Bytes der;
    std::string subject;                           // RFC 2253, for messages
    std::string issuer;                            // RFC 2253
    std::string common_name;                       // the last CN of the subject; empty if none
    std::vector<std::string> organizational_units; // every OU of the subject
    std::vector<std::string> extended_key_usages;  // dotted OIDs; empty without the extension
    std::vector<std::string> dns_names;            // subjectAltName dNSName entries
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
    std::string signature_digest; // digest of the issuer's signature: "sha1", "sha256", ...
    bool self_issued = false;     // subject equals issuer
};

// Parses one DER certificate; Error(invalid_input) naming `what` when it is not one.
Certificate parse_certificate(ByteView der, std::string_view what);

// Formats a time point as "2026-11-23 10:00:00 UTC" for messages.
std::string format_utc(std::chrono::system_clock::time_point time);

} // namespace amtcfg::crypto
