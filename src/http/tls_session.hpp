// TLS for the libcurl client: AMT's chain judged by the context's AmtTrust inside OpenSSL's
// handshake, the client certificate, session resumption through the context's cache, counters.
#pragma once

#include "amtcfg/http/tls.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::http {

// What the OpenSSL callbacks of one client's connections see. Lives as long as the client's
// easy handle (curl's SSL_CTX of a connection points at it).
struct TlsLink {
    std::shared_ptr<TlsContext> context;
    Log* log = nullptr;
    std::string path;                  // "LMS at 127.0.0.1:16993", for messages
    std::optional<TlsVerdict> refused; // the trust refused the chain in this transfer
    std::string setup_failure;         // the client certificate could not be installed
};

// Sets the TLS options of an https transfer on `easy`: TLS 1.2 or later, no CA files, libcurl's
// own verification replaced by the link's trust (never skipped: when libcurl cannot hand over
// OpenSSL's SSL_CTX, this throws Error(tls_failed)), the client certificate, the session cache.
void configure_tls(CURL* easy, TlsLink& link);

// The Error of a failed https transfer when TLS explains it: the trust refused AMT's chain,
// amtcfg's own TLS setup failed, or OpenSSL failed after the handshake (`detail` is libcurl's
// error text). nullopt otherwise: curl_failure() then translates `code` (handshake failures
// are tls_failed there, with OpenSSL's reason).
std::optional<Error> tls_failure(const TlsLink& link, CURLcode code, std::string_view detail);

} // namespace amtcfg::http
