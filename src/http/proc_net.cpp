// Parsing /proc/net/tcp and /proc/net/tcp6: the kernel's table of TCP sockets (pure, fuzzed).
#include "amtcfg/http/lms_trust.hpp"

#include <bit>
#include <charconv>

namespace amtcfg::http {

namespace {

// The columns of a socket line (net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv6/tcp_ipv6.c):
// "sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode ...". Time-wait
// and request sockets print fewer trailing columns, but never fewer than these ten.
constexpr std::size_t k_local = 1;
constexpr std::size_t k_state = 3;
constexpr std::size_t k_uid = 7;
constexpr std::size_t k_inode = 9;
constexpr std::size_t k_columns = 10;

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) {
            ++at;
        }
        std::size_t end = at;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t') {
            ++end;
        }
        if (end > at) {
            fields.push_back(line.substr(at, end - at));
        }
        at = end;
    }
    return fields;
}

// The whole of `text` as a number in `base`; nullopt on anything else (also on a sign).
template <class T> std::optional<T> number(std::string_view text, int base) {
    T value{};
    if (text.empty() || text.front() == '-' || text.front() == '+') {
        return std::nullopt;
    }
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// "0100007F:3E80": each 8-digit word is a 32-bit number the kernel printed in host byte order.
bool parse_local(std::string_view text, AddressFamily family, WordOrder order, ProcNetSocket& out) {
    std::size_t words = family == AddressFamily::ipv4 ? 1 : 4;
    if (text.size() != words * 8 + 5 || text[words * 8] != ':') {
        return false;
    }
    for (std::size_t w = 0; w < words; ++w) {
        auto word = number<std::uint32_t>(text.substr(w * 8, 8), 16);
        if (!word) {
            return false;
        }
        for (std::size_t b = 0; b < 4; ++b) {
            std::size_t shift = order == WordOrder::little_endian ? 8 * b : 8 * (3 - b);
            out.local_address[w * 4 + b] = static_cast<std::uint8_t>(*word >> shift);
        }
    }
    auto port = number<std::uint16_t>(text.substr(words * 8 + 1), 16);
    if (!port) {
        return false;
    }
    out.local_port = *port;
    return true;
}

std::optional<ProcNetSocket> parse_line(std::string_view line, AddressFamily family,
                                        WordOrder order) {
    auto fields = split_fields(line);
    if (fields.size() < k_columns || fields[0].empty() || fields[0].back() != ':') {
        return std::nullopt;
    }
    ProcNetSocket socket;
    socket.family = family;
    auto state = number<std::uint8_t>(fields[k_state], 16);
    auto uid = number<std::uint32_t>(fields[k_uid], 10);
    auto inode = number<std::uint64_t>(fields[k_inode], 10);
    if (!parse_local(fields[k_local], family, order, socket) || !state || !uid || !inode ||
        fields[k_state].size() != 2) {
        return std::nullopt;
    }
    socket.state = *state;
    socket.uid = *uid;
    socket.inode = *inode;
    return socket;
}

bool is_header(std::string_view line) {
    auto fields = split_fields(line);
    return fields.size() >= 2 && fields[0] == "sl" && fields[1] == "local_address";
}

} // namespace

WordOrder host_word_order() {
    return std::endian::native == std::endian::big ? WordOrder::big_endian
                                                   : WordOrder::little_endian;
}

std::optional<std::vector<ProcNetSocket>>
parse_proc_net_tcp(std::string_view text, AddressFamily family, WordOrder order) {
    std::vector<ProcNetSocket> sockets;
    bool header = true;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (header) {
            if (!is_header(line)) {
                return std::nullopt;
            }
            header = false;
            continue;
        }
        auto socket = parse_line(line, family, order);
        if (!socket) {
            return std::nullopt;
        }
        sockets.push_back(*socket);
    }
    if (header) {
        return std::nullopt; // the kernel always prints the header: this is not its table
    }
    return sockets;
}

} // namespace amtcfg::http
