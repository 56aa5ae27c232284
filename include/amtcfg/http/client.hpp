// The seam between WS-Man and HTTP: post a body to local AMT and get the response back.
#pragma once

#include <string>

namespace amtcfg::http {

struct Response {
    int status = 0;           // HTTP status code (200, 400 for SOAP faults, 401, 500...)
    std::string content_type; // may be empty
    std::string body;         // de-chunked
};

// An HTTP/1.1 client bound to one AMT endpoint (LMS on loopback, or an APF channel) and to
// digest credentials. The real one is libcurl-based (src/http); tests use fakes that record
// what was posted. Transport failures throw amtcfg::Error(wsman_unreachable / tls_failed /
// timed_out) naming the path that failed; HTTP statuses, including 401, are returned as values.
class Client {
public:
    virtual ~Client() = default;
    // POSTs `body` (application/soap+xml; charset=UTF-8) to `path` (normally "/wsman").
    virtual Response post(const std::string& path, const std::string& body) = 0;
};

} // namespace amtcfg::http
