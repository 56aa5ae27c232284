// The relay's two looks into raw HTTP: the request's target, the response's end.
#include "amtcfg/rps/relay.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>

namespace amtcfg::rps {
namespace {

constexpr std::string_view k_crlf = "\r\n";

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

// Calls `visit(name, value)` for each header line of `head` (after the start line).
template <typename Visit> void for_each_header(std::string_view head, Visit visit) {
    std::size_t line_end = head.find(k_crlf);
    while (line_end != std::string_view::npos && line_end + 2 < head.size()) {
        std::size_t start = line_end + 2;
        line_end = head.find(k_crlf, start);
        std::string_view line = head.substr(start, line_end - start);
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            visit(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
        }
    }
}

Error refused(std::string_view why) {
    return Error(ErrorCategory::server_unreachable,
                 fmt::format("refused to relay a request from the server: {}; nothing was sent "
                             "to AMT",
                             why));
}

// The port of a Host value ("uuid:16992", "[::1]:16993", "host"); nullopt when none is given.
std::optional<std::string_view> host_port(std::string_view host) {
    std::size_t bracket = host.rfind(']');
    std::size_t colon = host.rfind(':');
    if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
        return std::nullopt;
    }
    return host.substr(colon + 1);
}

std::optional<std::size_t> parse_number(std::string_view text, int base) {
    std::size_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

Error bad_response(std::string_view why) {
    return Error(ErrorCategory::wsman_unreachable,
                 fmt::format("AMT's response to a relayed request cannot be read: {}", why));
}

// Whether the chunked body starting at `body` is complete (its last chunk and trailers came).
bool chunked_complete(std::string_view body) {
    std::size_t at = 0;
    for (;;) {
        std::size_t line_end = body.find(k_crlf, at);
        if (line_end == std::string_view::npos) {
            return false;
        }
        std::string_view size_text = body.substr(at, line_end - at);
        size_text = trim(size_text.substr(0, size_text.find(';')));
        auto size = parse_number(size_text, 16);
        if (!size) {
            throw bad_response(fmt::format("bad chunk size \"{}\"", size_text.substr(0, 16)));
        }
        at = line_end + 2;
        if (*size == 0) {
            // Trailers, each a line, then an empty line.
            for (;;) {
                std::size_t end = body.find(k_crlf, at);
                if (end == std::string_view::npos) {
                    return false;
                }
                if (end == at) {
                    return true;
                }
                at = end + 2;
            }
        }
        if (body.size() - at < 2 || body.size() - at - 2 < *size) {
            return false; // the chunk has not all arrived
        }
        if (body.substr(at + *size, 2) != k_crlf) {
            throw bad_response("a chunk does not end with CRLF");
        }
        at += *size + 2;
    }
}

} // namespace

void check_relayed_request(std::string_view raw) {
    std::size_t line_end = raw.find(k_crlf);
    if (line_end == std::string_view::npos) {
        throw refused("it is not an HTTP request");
    }
    std::string_view line = raw.substr(0, line_end);
    std::size_t first = line.find(' ');
    std::size_t last = line.rfind(' ');
    if (first == std::string_view::npos || first == last || line.substr(last + 1) != "HTTP/1.1") {
        throw refused("its request line is not HTTP/1.1");
    }
    std::string_view target = line.substr(first + 1, last - first - 1);
    if (target.empty() || target.front() != '/') {
        throw refused(fmt::format("it names its own target \"{}\" (AMT's WS-Man service is the "
                                  "only target)",
                                  target.substr(0, 80)));
    }
    std::size_t head_end = raw.find("\r\n\r\n");
    std::string_view head =
        raw.substr(0, head_end == std::string_view::npos ? raw.size() : head_end + 2);
    std::optional<std::string> wrong;
    for_each_header(head, [&](std::string_view name, std::string_view value) {
        if (!equal_ignoring_case(name, "Host")) {
            return;
        }
        auto port = host_port(value);
        if (port && *port != "16992" && *port != "16993") {
            wrong = fmt::format("its Host header names port {} (AMT's are 16992 and 16993)",
                                port->substr(0, 16));
        }
    });
    if (wrong) {
        throw refused(*wrong);
    }
}

bool response_complete(std::string_view raw) {
    std::size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        return false;
    }
    std::string_view head = raw.substr(0, head_end + 2);
    std::string_view body = raw.substr(head_end + 4);
    if (!head.starts_with("HTTP/1.")) {
        throw bad_response("it does not start with an HTTP/1.x status line");
    }
    std::optional<std::size_t> length;
    bool chunked = false;
    bool bad_length = false;
    for_each_header(head, [&](std::string_view name, std::string_view value) {
        if (equal_ignoring_case(name, "Content-Length")) {
            length = parse_number(value, 10);
            bad_length = bad_length || !length;
        } else if (equal_ignoring_case(name, "Transfer-Encoding")) {
            chunked =
                value.size() >= 7 && equal_ignoring_case(value.substr(value.size() - 7), "chunked");
        }
    });
    if (chunked) {
        return chunked_complete(body);
    }
    if (bad_length) {
        throw bad_response("its Content-Length is not a number");
    }
    return length && body.size() >= *length;
}

} // namespace amtcfg::rps
