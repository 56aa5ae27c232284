// Helpers of the libcurl client: error translation, tracing, header parsing, socket callbacks.
#pragma once

#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"

#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::http {

// One row of a CURLcode -> Error table (AMT's in curl_support.cpp, servers' in
// server_channel.cpp: other categories, other words).
struct CurlErrorEntry {
    CURLcode code;
    ErrorCategory category;
    std::string_view what;
};

// The row of `table` for `code`, or null.
template <typename Table> const CurlErrorEntry* find_curl_error(const Table& table, CURLcode code) {
    for (const CurlErrorEntry& entry : table) {
        if (entry.code == code) {
            return &entry;
        }
    }
    return nullptr;
}

// The CURLcode -> Error table for AMT: `path` says which way to AMT failed ("LMS at ...").
Error curl_failure(CURLcode code, const char* detail, const std::string& path,
                   const Deadline& deadline);

// With -vvv, logs the headers curl sends and receives; credentials are replaced.
void install_trace(CURL* easy, Log& log);

// The trimmed value of header `name` (lower case) if `line` is that header.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name);

// What the client keeps of one received header line: a status line ("HTTP/...") starts a new
// response (after a 401, for example) and clears `content_type`; a Content-Type header sets it.
// Returns which kind of line it was, so the caller knows when a response's head is complete.
enum class HeaderLine { status, field, end_of_head };
HeaderLine note_header_line(std::string_view line, std::string& content_type);

// Headers as the trace shows them: Authorization and Proxy-Authorization values never appear.
std::string redact_headers(std::string_view headers);

// A socket from a PumpedStream is connected already; curl must not connect() it.
int socket_already_connected(void* client, curl_socket_t socket, curlsocktype purpose);

} // namespace amtcfg::http
