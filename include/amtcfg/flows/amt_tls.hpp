// TLS to AMT 19+ (wsman.md 7.4): which trust judges AMT's certificate in each phase, and the
// certificate pin amtcfg keeps beside the escrowed password.
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/http/amt_trust.hpp"
#include "amtcfg/http/tls.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::flows {

// The escrow file's record of the SHA-256 of the certificate a provisioned AMT serves, by UUID.
inline constexpr std::string_view k_escrow_tls_pin = "amt-tls-certificate";

// Before provisioning completes: AMT's On-Die CA chain, verified to Intel's root compiled into
// amtcfg (or --amt-ondie-root, warned about), with AMT's leaf hash when StartConfigurationHBased
// gave it. With --amt-insecure a chain that fails is accepted, with a warning.
std::shared_ptr<const http::AmtTrust>
provisioning_trust(Environment& env, std::optional<http::AmtCertHash> amt_leaf = std::nullopt);

// A provisioned AMT: --amt-ca, else `profile_trust` (the CA of the profile's <tls> issuer), else
// the pin for `uuid` in the escrow file at `escrow_path`, else --amt-insecure (warned about).
// Without any of them Error(tls_failed), naming what to give.
std::shared_ptr<const http::AmtTrust>
provisioned_trust(Environment& env, const std::string& uuid,
                  const std::optional<std::string>& escrow_path,
                  std::shared_ptr<const http::AmtTrust> profile_trust = nullptr);

// The certificates of --amt-ca as trust anchors (call only when it is given).
std::shared_ptr<const http::AmtTrust> amt_ca_trust(Environment& env);

// The first connection to a device this run just provisioned over a verified session: --amt-ca
// when given, else trust on first use (the caller pins what it saw).
std::shared_ptr<const http::AmtTrust> just_provisioned_trust(Environment& env);

// Switches the WS-Man sessions opened from now on to TLS with `trust`; returns the context,
// whose verdict says how AMT's certificate was judged.
std::shared_ptr<http::TlsContext>
speak_tls(Environment& env, std::shared_ptr<const http::AmtTrust> trust,
          std::optional<http::ClientCertificate> client = std::nullopt);

// Whether an activated AMT that does not enforce TLS is to be reached over TLS all the same: its
// local ports take only TLS (<tls> configured it so; over LME amtcfg sees it), the escrow file
// holds a pin of its certificate, or --amt-ca is given.
bool tls_expected(Environment& env, const std::string& uuid,
                  const std::optional<std::string>& escrow_path);

// The escrow file a --password SOURCE reads (escrow:FILE): where a certificate pin may be.
std::optional<std::string> escrow_file_of(const SecretSource& source);

// The escrow's form of a pin: "sha256:<hex>".
std::string pin_text(ByteView leaf_sha256);
// The pin of the certificate the context's latest full handshake saw; empty if none.
std::string pin_text(const http::TlsContext& tls);

} // namespace amtcfg::flows
