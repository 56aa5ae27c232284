// One plain HTTP(S) request to a server other than AMT (an enrollment server such as SCEP),
// through the same loaded libcurl as the WS-Man client.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/deadline.hpp"

#include <memory>
#include <string>

namespace amtcfg::http {

struct FetchRequest {
    std::string url; // http:// or https:// only; redirects are not followed
    Bytes body;      // POSTed when post_content_type is set, else a GET
    std::string post_content_type;
    std::string ca_file; // https: PEM CAs to verify the server with; empty: the system's
    std::size_t max_body = 1024 * 1024;
};

struct FetchResponse {
    int status = 0;
    std::string content_type; // as sent, may be empty
    Bytes body;
};

// Requests that share a connection while the server keeps it open (HTTP/1.1 keep-alive): the
// messages of one CMP transaction, which some servers expect on one connection.
class FetchSession {
public:
    FetchSession();
    ~FetchSession();
    FetchSession(const FetchSession&) = delete;
    FetchSession& operator=(const FetchSession&) = delete;
    // As fetch() below.
    struct FetchResponse fetch(const FetchRequest& request, const Deadline& deadline);

private:
    struct Handle;
    std::unique_ptr<Handle> m_handle;
};

// Error(server_unreachable) naming the URL when no HTTP answer arrives (cannot connect, TLS
// refused, a body over max_body), Error(timed_out) when the deadline ends first. HTTP statuses
// are returned as values.
FetchResponse fetch(const FetchRequest& request, const Deadline& deadline);

} // namespace amtcfg::http
