// CURLcode translation, header tracing and small callbacks for the libcurl client.
#include "curl_support.hpp"

#include "curl_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace amtcfg::http {
namespace {

constexpr std::array k_curl_errors{
    CurlErrorEntry{CURLE_COULDNT_CONNECT, ErrorCategory::wsman_unreachable, "cannot connect"},
    CurlErrorEntry{CURLE_COULDNT_RESOLVE_HOST, ErrorCategory::wsman_unreachable,
                   "cannot resolve the address"},
    CurlErrorEntry{CURLE_GOT_NOTHING, ErrorCategory::wsman_unreachable,
                   "the connection closed without a response"},
    CurlErrorEntry{CURLE_RECV_ERROR, ErrorCategory::wsman_unreachable,
                   "the connection dropped while receiving"},
    CurlErrorEntry{CURLE_SEND_ERROR, ErrorCategory::wsman_unreachable,
                   "the connection dropped while sending"},
    CurlErrorEntry{CURLE_PARTIAL_FILE, ErrorCategory::wsman_unreachable,
                   "the connection dropped in the middle of a response"},
    CurlErrorEntry{CURLE_WEIRD_SERVER_REPLY, ErrorCategory::wsman_unreachable,
                   "the answer is not HTTP"},
    CurlErrorEntry{CURLE_OPERATION_TIMEDOUT, ErrorCategory::wsman_unreachable,
                   "no progress for too long"},
    CurlErrorEntry{CURLE_SSL_CONNECT_ERROR, ErrorCategory::tls_failed, "TLS handshake failed"},
    CurlErrorEntry{CURLE_PEER_FAILED_VERIFICATION, ErrorCategory::tls_failed,
                   "AMT's TLS certificate was not accepted"},
    CurlErrorEntry{CURLE_SSL_PINNEDPUBKEYNOTMATCH, ErrorCategory::tls_failed,
                   "AMT's TLS key does not match the pinned key"},
    CurlErrorEntry{CURLE_SSL_CERTPROBLEM, ErrorCategory::tls_failed,
                   "the client certificate cannot be used"},
    CurlErrorEntry{CURLE_SSL_CIPHER, ErrorCategory::tls_failed, "no TLS cipher in common with AMT"},
};

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto* log = static_cast<Log*>(user);
    std::string_view text(data, size);
    if (type == CURLINFO_HEADER_OUT) {
        log->trace("http: > {}", redact_headers(text));
    } else if (type == CURLINFO_HEADER_IN) {
        log->trace("http: < {}", text.substr(0, text.find_last_not_of("\r\n") + 1));
    } else if (type == CURLINFO_TEXT) {
        log->trace("http: * {}", text.substr(0, text.find_last_not_of("\r\n") + 1));
    }
    return 0;
}

} // namespace

Error curl_failure(CURLcode code, const char* detail, const std::string& path,
                   const Deadline& deadline) {
    if (deadline.expired()) {
        return Error(ErrorCategory::timed_out,
                     fmt::format("timed out talking to AMT through {} (the --timeout limit was "
                                 "reached)",
                                 path));
    }
    std::string reason =
        detail != nullptr && detail[0] != '\0' ? detail : libcurl().easy_strerror(code);
    const CurlErrorEntry* entry = find_curl_error(k_curl_errors, code);
    if (entry == nullptr) {
        return Error(ErrorCategory::wsman_unreachable,
                     fmt::format("cannot talk to AMT through {}: {}", path, reason));
    }
    return Error(entry->category,
                 fmt::format("cannot talk to AMT through {}: {} ({})", path, entry->what, reason));
}

void install_trace(CURL* easy, Log& log) {
    if (!log.enabled(LogLevel::trace)) {
        return;
    }
    libcurl().easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &on_debug);
    libcurl().easy_setopt(easy, CURLOPT_DEBUGDATA, &log);
    libcurl().easy_setopt(easy, CURLOPT_VERBOSE, 1L);
}

std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) {
            return std::nullopt;
        }
    }
    // Trimmed on both sides by the same set: "Content-Type: \r\n" is empty, not "\r".
    constexpr std::string_view k_space = " \t\r\n";
    std::string_view value = line.substr(name.size() + 1);
    std::size_t first = value.find_first_not_of(k_space);
    if (first == std::string_view::npos) {
        return std::string_view{};
    }
    return value.substr(first, value.find_last_not_of(k_space) - first + 1);
}

HeaderLine note_header_line(std::string_view line, std::string& content_type) {
    if (line.starts_with("HTTP/")) {
        content_type.clear();
        return HeaderLine::status;
    }
    if (line == "\r\n" || line == "\n") {
        return HeaderLine::end_of_head;
    }
    if (auto value = header_value(line, "content-type")) {
        content_type = std::string(*value);
    }
    return HeaderLine::field;
}

std::string redact_headers(std::string_view headers) {
    std::string out;
    std::size_t start = 0;
    while (start < headers.size()) {
        std::size_t end = headers.find('\n', start);
        std::string_view line = headers.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start + 1);
        if (header_value(line, "authorization")) {
            out += "Authorization: (redacted)\r\n";
        } else if (header_value(line, "proxy-authorization")) {
            out += "Proxy-Authorization: (redacted)\r\n"; // a CONNECT to a proxy
        } else {
            out += line;
        }
        start += line.size();
    }
    return out.substr(0, out.find_last_not_of("\r\n") + 1);
}

int socket_already_connected(void*, curl_socket_t, curlsocktype) {
    return CURL_SOCKOPT_ALREADY_CONNECTED;
}

} // namespace amtcfg::http
