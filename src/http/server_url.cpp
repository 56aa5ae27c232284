// --server URLs: ws/wss (http/https taken as the same), host, port and path.
#include "amtcfg/http/server_channel.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace amtcfg::http {
namespace {

struct SchemeEntry {
    std::string_view written;
    std::string_view scheme;
    std::uint16_t default_port;
};

constexpr std::array k_schemes{
    SchemeEntry{"ws", "ws", 80},
    SchemeEntry{"wss", "wss", 443},
    SchemeEntry{"http", "ws", 80},
    SchemeEntry{"https", "wss", 443},
};

Error bad_url(std::string_view text, std::string_view what) {
    return Error(ErrorCategory::usage, fmt::format("--server: {}: {}", text, what));
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::uint16_t default_port(std::string_view scheme) {
    return scheme == "wss" ? 443 : 80;
}

} // namespace

std::string ServerUrl::host_header() const {
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != default_port(scheme)) {
        out += ":" + std::to_string(port);
    }
    return out;
}

ServerUrl parse_server_url(std::string_view text) {
    std::size_t separator = text.find("://");
    if (separator == std::string_view::npos) {
        throw bad_url(text, "not a URL (expected wss://host/path)");
    }
    std::string written = lower(text.substr(0, separator));
    auto entry = std::find_if(k_schemes.begin(), k_schemes.end(),
                              [&](const SchemeEntry& e) { return e.written == written; });
    if (entry == k_schemes.end()) {
        throw bad_url(text, fmt::format("the scheme {} is not ws or wss", written));
    }
    ServerUrl url;
    url.scheme = std::string(entry->scheme);
    url.port = entry->default_port;
    std::string_view rest = text.substr(separator + 3);
    rest = rest.substr(0, rest.find('#'));
    std::size_t path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
    if (authority.find('@') != std::string_view::npos) {
        throw bad_url(text, "user names and passwords do not belong in the server URL");
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            throw bad_url(text, "an IPv6 address without its closing ]");
        }
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) {
            throw bad_url(text, "unexpected text after the IPv6 address");
        }
        port_text = after.empty() ? after : after.substr(1);
    } else {
        std::size_t colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        port_text = colon == std::string_view::npos ? "" : authority.substr(colon + 1);
        if (url.host.find_first_of(" \t\r\n[]") != std::string::npos) {
            throw bad_url(text, "the host name holds characters no host name has");
        }
    }
    if (url.host.empty()) {
        throw bad_url(text, "no host");
    }
    if (!port_text.empty()) {
        unsigned value = 0;
        auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
            value > 65535) {
            throw bad_url(text,
                          fmt::format("the port {} is not a number from 1 to 65535", port_text));
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    if (path.find_first_of(" \t\r\n") != std::string_view::npos) {
        throw bad_url(text, "the path holds white space");
    }
    url.path = path.empty()            ? "/"
               : path.starts_with('?') ? "/" + std::string(path)
                                       : std::string(path);
    return url;
}

} // namespace amtcfg::http
