// HTTP/1.1 request parsing and response serialisation for the simulator's WS-Man server.
#include "wsman/http_message.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace amtcfg::sim {
namespace {

constexpr std::size_t k_max_head = 16 * 1024;
constexpr std::size_t k_max_body = 4 * 1024 * 1024;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

std::size_t parse_size(std::string_view text, int base, const char* what) {
    std::size_t value = 0;
    // The whole token must be the number (RFC 7230 sections 3.3.2 and 4.1): "5g" or "12 34"
    // are malformed, not 5 or 12.
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end == text.data() || end != text.data() + text.size() ||
        value > k_max_body) {
        throw HttpParseError(std::string("bad ") + what + ": '" + std::string(text) + "'");
    }
    return value;
}

void parse_request_line(std::string_view line, HttpRequest& request) {
    auto first = line.find(' ');
    auto second = line.find(' ', first == std::string_view::npos ? first : first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) {
        throw HttpParseError("bad request line");
    }
    request.method = std::string(line.substr(0, first));
    request.target = std::string(line.substr(first + 1, second - first - 1));
    request.version = std::string(line.substr(second + 1));
    if (request.version != "HTTP/1.1" && request.version != "HTTP/1.0") {
        throw HttpParseError("unsupported HTTP version");
    }
}

} // namespace

std::string find_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return {};
}

namespace {

// Connection is a comma-separated list of options (RFC 7230 section 6.1), in any case.
bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        auto comma = list.find(',');
        if (iequals(trim(list.substr(0, comma)), token)) {
            return true;
        }
        list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    }
    return false;
}

} // namespace

bool HttpRequest::wants_close() const {
    auto connection = find_header(headers, "Connection");
    if (version == "HTTP/1.0") {
        return !has_token(connection, "keep-alive");
    }
    return has_token(connection, "close");
}

// Returns the offset of the body, or nothing while the head is incomplete.
std::optional<std::size_t> RequestParser::parse_head(HttpRequest& request) const {
    auto end = m_buffer.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (m_buffer.size() > k_max_head) {
            throw HttpParseError("request head too large");
        }
        return std::nullopt;
    }
    std::string_view head(m_buffer.data(), end);
    auto line_end = head.find("\r\n");
    parse_request_line(head.substr(0, line_end), request);
    while (line_end != std::string_view::npos) {
        head.remove_prefix(line_end + 2);
        line_end = head.find("\r\n");
        auto line = head.substr(0, line_end);
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw HttpParseError("bad header line");
        }
        request.headers.emplace_back(std::string(line.substr(0, colon)),
                                     std::string(trim(line.substr(colon + 1))));
    }
    return end + 4;
}

// Decodes a chunked body starting at `start`; returns the offset after it when complete.
std::optional<std::size_t> RequestParser::parse_chunked(std::size_t start,
                                                        std::string& body) const {
    std::size_t pos = start;
    while (true) {
        auto line_end = m_buffer.find("\r\n", pos);
        if (line_end == std::string::npos) {
            return std::nullopt;
        }
        std::string_view line(m_buffer.data() + pos, line_end - pos);
        line = trim(line.substr(0, line.find(';'))); // chunk extensions are ignored
        auto size = parse_size(line, 16, "chunk size");
        pos = line_end + 2;
        if (size == 0) { // trailer fields may follow, then an empty line (RFC 7230 4.1.2)
            while (true) {
                auto trailer_end = m_buffer.find("\r\n", pos);
                if (trailer_end == std::string::npos) {
                    return std::nullopt;
                }
                if (trailer_end == pos) {
                    return trailer_end + 2;
                }
                if (m_buffer.find(':', pos) > trailer_end) {
                    throw HttpParseError("bad trailer line");
                }
                pos = trailer_end + 2;
            }
        }
        if (m_buffer.size() < pos + size + 2) {
            return std::nullopt;
        }
        if (m_buffer.compare(pos + size, 2, "\r\n") != 0 || body.size() + size > k_max_body) {
            throw HttpParseError("bad chunk framing");
        }
        body.append(m_buffer, pos, size);
        pos += size + 2;
    }
}

std::optional<HttpRequest> RequestParser::next() {
    HttpRequest request;
    auto body_start = parse_head(request);
    if (!body_start) {
        return std::nullopt;
    }
    std::size_t consumed = 0;
    auto encoding = find_header(request.headers, "Transfer-Encoding");
    // A request whose final transfer coding is not chunked has no knowable length: 400
    // (RFC 7230 section 3.3.3, item 3). Transfer-Encoding wins over Content-Length.
    auto last_coding = trim(std::string_view(encoding).substr(encoding.rfind(',') + 1));
    if (!encoding.empty() && !iequals(last_coding, "chunked")) {
        throw HttpParseError("unsupported transfer coding '" + encoding + "'");
    }
    if (!encoding.empty()) {
        auto end = parse_chunked(*body_start, request.body);
        if (!end) {
            return std::nullopt;
        }
        consumed = *end;
    } else {
        auto length_text = find_header(request.headers, "Content-Length");
        std::size_t length = length_text.empty() ? 0 : parse_size(length_text, 10, "length");
        if (m_buffer.size() < *body_start + length) {
            return std::nullopt;
        }
        request.body = m_buffer.substr(*body_start, length);
        consumed = *body_start + length;
    }
    m_buffer.erase(0, consumed);
    return request;
}

std::string_view reason_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 500:
        return "Internal Server Error";
    default:
        return "Unknown";
    }
}

std::string announce_close(std::string response) {
    auto head_end = response.find("\r\n\r\n");
    auto line_end = response.find("\r\n");
    if (head_end == std::string::npos) {
        return response; // cut short: nothing to add to
    }
    std::string_view head(response.data(), head_end + 2);
    for (auto at = line_end + 2; at < head.size();) {
        auto end = head.find("\r\n", at);
        auto line = head.substr(at, end - at);
        auto colon = line.find(':');
        if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), "Connection") &&
            has_token(line.substr(colon + 1), "close")) {
            return response;
        }
        at = end + 2;
    }
    response.insert(line_end + 2, "Connection: close\r\n");
    return response;
}

std::string serialize_response(const HttpResponse& response, std::size_t chunk_size) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
    out += reason_phrase(response.status);
    out += "\r\n";
    for (const auto& [key, value] : response.headers) {
        out += key + ": " + value + "\r\n";
    }
    if (response.close) {
        out += "Connection: close\r\n";
    }
    if (response.framing == BodyFraming::content_length) {
        out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
        return out + response.body;
    }
    out += "Transfer-Encoding: chunked\r\n\r\n";
    char size_text[16];
    for (std::size_t pos = 0; pos < response.body.size(); pos += chunk_size) {
        auto size = std::min(chunk_size, response.body.size() - pos);
        auto [end, ec] = std::to_chars(size_text, size_text + sizeof size_text, size, 16);
        out.append(size_text, end);
        out += "\r\n";
        out.append(response.body, pos, size);
        out += "\r\n";
    }
    return out + "0\r\n\r\n";
}

} // namespace amtcfg::sim
