// The ways amtcfg verifies AMT's TLS certificate (DESIGN.md section 6; wsman.md 7.4).
#pragma once

#include "amtcfg/http/tls.hpp"
#include "amtcfg/util/bytes.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::http {

// Intel's On-Die CA root certificate (data/intel-ondie-ca-root.cer), compiled in.
ByteView intel_ondie_root();

// AMTCertHash as StartConfigurationHBased returns it: the hash of AMT's own TLS leaf.
enum class CertHashAlgorithm { sha256, sha384 };
struct AmtCertHash {
    CertHashAlgorithm algorithm = CertHashAlgorithm::sha256;
    Bytes hash; // 32 or 48 bytes
};

// Before provisioning: the On-Die CA checks of wsman.md 7.4, each failure naming its check:
// 4 or 6 certificates; the leaf's CN is "AMT RCFG" or "iAMT CSME IDevID RCFG"; the certificate
// at index 3 has "ROM CA" or "ROM DE" in its CN and an issuer OU starting with "ODCA 2 CSME P",
// "On Die CSME P", "ODCA 2 CSME" or "On Die CSME"; the chain verifies to `root_der` (validity
// dates included); and, when `expected` is given, the leaf's hash equals it. A single
// self-signed certificate is accepted only when `expected` is given and matches (the hash came
// over MEI, which authenticates it). `root_name` names the root in messages.
std::shared_ptr<const AmtTrust> ondie_trust(Bytes root_der, std::string root_name,
                                            std::optional<AmtCertHash> expected = std::nullopt);

// After provisioning: the chain verifies to one of `anchors` (DER certificates; --amt-ca FILE).
// Host names are not checked: AMT is reached as 127.0.0.1. `name` names the anchors in messages.
std::shared_ptr<const AmtTrust> anchor_trust(std::vector<Bytes> anchors, std::string name);

// The leaf's SHA-256 equals `leaf_sha256` (a pin amtcfg recorded when it configured the device).
std::shared_ptr<const AmtTrust> pinned_trust(Bytes leaf_sha256, std::string name);

// --amt-insecure. Without `checked`: accepts any chain, and the verdict says the certificate
// was not verified. With it: `checked`'s verdict, except that a refusal becomes acceptance whose
// check says which check was waived.
std::shared_ptr<const AmtTrust> insecure_trust(std::shared_ptr<const AmtTrust> checked = nullptr);

// Whether `verdict` accepted AMT's certificate only because --amt-insecure waived the checks.
bool waived(const TlsVerdict& verdict);

// Accepts any chain, as trusted on first use for `why` ("the run that provisioned it"); the
// verdict's leaf_sha256 is what the caller pins.
std::shared_ptr<const AmtTrust> first_use_trust(std::string why);

// Reads every certificate in a PEM file (one or more) or a DER file; Error(invalid_input) naming
// the file when it holds none or cannot be read.
std::vector<Bytes> load_certificates_file(const std::string& path);

} // namespace amtcfg::http
