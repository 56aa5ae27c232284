// The libcurl implementation of http::Client, over loopback TCP (LMS) or a PumpedStream (LME).
#pragma once

#include "amtcfg/http/client.hpp"
#include "amtcfg/http/tls.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/util/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace amtcfg::http {

enum class Scheme { http, https };

// Where AMT's web service is. With a stream, host and port only fill the URL and Host header
// (the stream carries the bytes); without one, libcurl connects to host:port itself.
struct Endpoint {
    std::string host = "127.0.0.1"; // never "localhost": it may resolve through DNS
    std::uint16_t port = 16992;
    // https: TLS to 16993 through LMS, or inside an APF channel (libcurl runs TLS over the
    // stream's socket). AMT's certificate is judged by tls->trust(), never by host name
    // (wsman.md 7.4).
    Scheme scheme = Scheme::http;
    PumpedStream* stream = nullptr; // not owned; must outlive the client
    // Required with https (Error(internal) otherwise): the trust, the client certificate and
    // the TLS sessions this client shares with the other clients of the same AMT.
    std::shared_ptr<TlsContext> tls;
    std::string description; // "LMS at 127.0.0.1:16992", for messages
};

struct Credentials {
    std::string user;
    Secret password;
};

struct CurlLimits {
    int connect_timeout_ms = 5'000;
    // A response that makes no progress for this long fails; AMT's own WS-Man operation
    // timeout is 60 s (wsman.md section 3).
    int stall_timeout_s = 90;
    // The largest response body accepted. AMT answers a Pull with at most MaxCharacters
    // (99999) of items (wsman.md section 4), so 16 MiB is generous; a peer that sends more is
    // not AMT, and amtcfg stops reading instead of filling memory.
    std::size_t max_body_bytes = 16U * 1024U * 1024U;
};

// HTTP/1.1 with digest authentication (qop=auth, libcurl's), keep-alive and chunked bodies.
// The password is registered with the log, so -vvv traces of requests and responses never
// show it. Over https, a chain the trust refuses is Error(tls_failed, "AMT's TLS certificate
// through <description> was refused: <the check>"); other TLS failures are tls_failed with
// OpenSSL's reason.
std::unique_ptr<Client> make_curl_client(Endpoint endpoint, Credentials credentials, Log& log,
                                         const Deadline& deadline, CurlLimits limits = {});

} // namespace amtcfg::http
