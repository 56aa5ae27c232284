// Redaction of password-bearing elements in WS-Man XML before it reaches a trace or log file.
#pragma once

#include <string>
#include <string_view>

namespace amtcfg::wsman {

// Whether an element of this local name carries a secret (NetworkAdminPassword, DigestPassword,
// Password, RFBPassword, ProvisioningServerOTP, KeyBlob, PSK values, ...).
bool is_secret_element(std::string_view local_name);

// `xml` with the content of every secret element replaced by "<redacted>", whatever its prefix.
// Works on text, so it also redacts truncated or malformed bodies (to the end when unclosed).
std::string redact_xml(std::string_view xml);

} // namespace amtcfg::wsman
