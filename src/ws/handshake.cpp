// The opening handshake (RFC 6455 section 4): the client's request and the checks of the answer.
#include "handshake.hpp"

#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/ws/connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace amtcfg::ws {
namespace {

// RFC 6455 section 1.3: appended to the key before hashing.
constexpr std::string_view k_accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::string_view k_end_of_head = "\r\n\r\n";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view k_space = " \t";
    std::size_t first = text.find_first_not_of(k_space);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(k_space) - first + 1);
}

// The value of field `name` (any case) among the head's lines after the status line; the
// values of repeated fields are joined with ", " as HTTP allows.
std::optional<std::string> field(std::string_view head, std::string_view name) {
    std::optional<std::string> out;
    std::size_t start = head.find("\r\n");
    while (start != std::string_view::npos && start + 2 < head.size()) {
        start += 2;
        std::size_t end = head.find("\r\n", start);
        std::string_view line = head.substr(start, end - start);
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && equals_ignoring_case(line.substr(0, colon), name)) {
            std::string_view value = trim(line.substr(colon + 1));
            out = out ? *out + ", " + std::string(value) : std::string(value);
        }
        start = end;
    }
    return out;
}

// Whether the comma-separated `list` holds `token` (any case).
bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        if (equals_ignoring_case(trim(list.substr(0, comma)), token)) {
            return true;
        }
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return false;
}

Error refused(const std::string& what) {
    return Error(ErrorCategory::server_unreachable,
                 "the server did not accept the WebSocket upgrade: " + what);
}

} // namespace

std::string upgrade_request(std::string_view host, std::string_view path, std::string_view key) {
    return fmt::format("GET {} HTTP/1.1\r\n"
                       "Host: {}\r\n"
                       "Upgrade: websocket\r\n"
                       "Connection: Upgrade\r\n"
                       "Sec-WebSocket-Key: {}\r\n"
                       "Sec-WebSocket-Version: 13\r\n"
                       "\r\n",
                       path, host, key);
}

std::string accept_value(std::string_view key) {
    std::string input(key);
    input += k_accept_guid;
    Bytes digest = crypto::fingerprint(as_bytes(input), crypto::HashAlgorithm::sha1);
    return crypto::base64_encode(digest);
}

std::optional<std::size_t> answer_head_size(std::string_view received) {
    std::size_t end = received.find(k_end_of_head);
    if (end == std::string_view::npos) {
        return std::nullopt;
    }
    return end + k_end_of_head.size();
}

void check_answer(std::string_view head, std::string_view key) {
    std::string_view status_line = head.substr(0, head.find("\r\n"));
    // "HTTP/1.1 101 Switching Protocols": the code is the second word.
    std::size_t space = status_line.find(' ');
    std::string_view code =
        space == std::string_view::npos ? std::string_view() : status_line.substr(space + 1);
    if (!status_line.starts_with("HTTP/") || !(code == "101" || code.starts_with("101 "))) {
        throw refused(fmt::format("it answered \"{}\"", status_line.substr(0, 200)));
    }
    auto upgrade = field(head, "upgrade");
    if (!upgrade || !equals_ignoring_case(*upgrade, "websocket")) {
        throw refused("the answer has no \"Upgrade: websocket\"");
    }
    auto connection = field(head, "connection");
    if (!connection || !has_token(*connection, "upgrade")) {
        throw refused("the answer has no \"Connection: Upgrade\"");
    }
    auto accept = field(head, "sec-websocket-accept");
    if (!accept || *accept != accept_value(key)) {
        throw refused("its Sec-WebSocket-Accept does not match the key sent");
    }
    if (field(head, "sec-websocket-extensions") || field(head, "sec-websocket-protocol")) {
        throw refused("it chose an extension or subprotocol that was not offered");
    }
}

} // namespace amtcfg::ws
