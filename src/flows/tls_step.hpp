// The <tls> step: AMT's TLS certificate from the profile's CA, and the TLS settings
// (reference/wsman.md section 8).
#pragma once

#include "profile_steps.hpp"
#include "wsman_session.hpp"

#include "amtcfg/flows/configure.hpp"
#include "amtcfg/http/tls.hpp"
#include "amtcfg/profile/profile.hpp"

#include <memory>

namespace amtcfg::flows {

// Converges AMT's TLS to `profile.tls`: a certificate for the wanted names from the issuer, in
// the TLS credential context, that is not due for renewal, and the remote TLS settings of the
// wanted mode. When all of that holds nothing is changed. Otherwise the key pair is generated
// inside AMT, AMT signs the request, the CA issues, the certificate is added and bound, the
// settings put and committed; then AMT's port 16993 is read over TLS until it serves the new
// certificate, verified to the issuer's CA (bounded backoff, never a fixed sleep). A CA failure
// is Error(certificate_failed) with the generated key pair deleted and TLS untouched; a step
// AMT refuses is Error(config_step_failed). `session` is an admin session.
// The trust of the profile's <tls> issuer (its CA, or --amt-ca when it names none), for
// reaching a device whose TLS this profile configured; null without <tls> or any anchor.
std::shared_ptr<const http::AmtTrust> profile_tls_trust(Environment& env,
                                                        const profile::Profile& profile);

void run_tls_step(Environment& env, WsmanSession& session, const profile::Profile& profile,
                  RunMode mode, PasswordEscrow& escrow, ConfigureResult& result);

} // namespace amtcfg::flows
