// The simulator's HTTP/1.1 server side: incremental request parsing and response framing.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amtcfg::sim {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; empty when absent.
std::string find_header(const HeaderList& headers, std::string_view name);

struct HttpRequest {
    std::string method;
    std::string target;
    std::string version; // "HTTP/1.1"
    HeaderList headers;
    std::string body; // de-chunked
    bool wants_close() const;
};

// Malformed request bytes; the server answers 400 and closes the connection.
class HttpParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Collects bytes from a connection and yields complete requests: Content-Length or chunked
// bodies, several requests per connection (keep-alive, pipelining).
class RequestParser {
public:
    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    // The next complete request, or nothing until more bytes arrive; throws HttpParseError.
    std::optional<HttpRequest> next();
    bool idle() const { return m_buffer.empty(); }

private:
    std::optional<std::size_t> parse_head(HttpRequest& request) const;
    std::optional<std::size_t> parse_chunked(std::size_t start, std::string& body) const;

    std::string m_buffer;
};

enum class BodyFraming { content_length, chunked };

struct HttpResponse {
    int status = 200;
    HeaderList headers;
    std::string body;
    BodyFraming framing = BodyFraming::chunked;
    bool close = false; // the server closes the connection after this response
};

// AMT sends bodies in chunks of up to about 0x2FA bytes (wsman.md section 1).
constexpr std::size_t k_amt_chunk_size = 0x2FA;

// Serialises a response; chunked bodies are cut every `chunk_size` bytes, so boundaries fall
// wherever they fall, mid-tag included.
// `response` (serialised) with a `Connection: close` header, unless it already has one or its
// head is cut short (a dropped response).
std::string announce_close(std::string response);

std::string serialize_response(const HttpResponse& response,
                               std::size_t chunk_size = k_amt_chunk_size);

std::string_view reason_phrase(int status);

} // namespace amtcfg::sim
