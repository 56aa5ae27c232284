// Trusting a loopback listener as Intel LMS only when root owns its socket (DESIGN.md 6).
#include "amtcfg/http/lms_trust.hpp"

#include "amtcfg/http/probe.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace amtcfg::http {

namespace {

constexpr std::array<std::uint8_t, 16> k_ipv6_loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                       0, 0, 0, 0, 0, 0, 0, 1};

bool all_zero(const std::array<std::uint8_t, 16>& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// ::ffff:a.b.c.d, the form an IPv6 socket bound to an IPv4 address has.
bool is_mapped(const std::array<std::uint8_t, 16>& v6, const std::array<std::uint8_t, 16>& v4) {
    return std::all_of(v6.begin(), v6.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
           v6[10] == 0xFF && v6[11] == 0xFF &&
           std::equal(v4.begin(), v4.begin() + 4, v6.begin() + 12);
}

// Whether a connection to address:port can reach this socket.
bool reaches(const ProcNetSocket& socket, const LoopbackAddress& address, std::uint16_t port) {
    if (socket.state != k_tcp_listen || socket.local_port != port) {
        return false;
    }
    if (socket.family == address.family) {
        return socket.local_address == address.bytes || all_zero(socket.local_address);
    }
    // An IPv6 socket without IPV6_V6ONLY takes IPv4 connections too; an IPv4 one never takes
    // IPv6 ones.
    return socket.family == AddressFamily::ipv6 &&
           (all_zero(socket.local_address) || is_mapped(socket.local_address, address.bytes));
}

std::string table_of(const ProcNetSocket& socket) {
    return socket.family == AddressFamily::ipv4 ? "/proc/net/tcp" : "/proc/net/tcp6";
}

// The sockets of one /proc/net table; nullopt (with `problem` set) when it cannot be used.
std::optional<std::vector<ProcNetSocket>> read_table(const char* path, AddressFamily family,
                                                     bool missing_is_empty, std::string& problem) {
    std::ifstream in(path);
    if (!in) {
        int error = errno;
        if (missing_is_empty && error == ENOENT) {
            return std::vector<ProcNetSocket>{}; // no IPv6 in this kernel: no IPv6 listeners
        }
        problem += fmt::format("{}cannot read {}: {}", problem.empty() ? "" : "; ", path,
                               std::strerror(error));
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto sockets = parse_proc_net_tcp(text.str(), family, host_word_order());
    if (!sockets) {
        problem += fmt::format("{}{} does not have the kernel's format",
                               problem.empty() ? "" : "; ", path);
    }
    return sockets;
}

} // namespace

std::string LoopbackAddress::url_host() const {
    return family == AddressFamily::ipv6 ? "[" + text + "]" : text;
}

std::optional<LoopbackAddress> parse_loopback_address(std::string_view text) {
    std::string plain(text);
    bool bracketed = plain.size() >= 2 && plain.front() == '[' && plain.back() == ']';
    if (bracketed) {
        plain = plain.substr(1, plain.size() - 2);
    }
    LoopbackAddress address;
    char canonical[INET6_ADDRSTRLEN] = {};
    if (!bracketed && ::inet_pton(AF_INET, plain.c_str(), address.bytes.data()) == 1) {
        if (address.bytes[0] != 127) {
            return std::nullopt;
        }
        address.family = AddressFamily::ipv4;
        ::inet_ntop(AF_INET, address.bytes.data(), canonical, sizeof canonical);
    } else if (::inet_pton(AF_INET6, plain.c_str(), address.bytes.data()) == 1) {
        if (address.bytes != k_ipv6_loopback) {
            return std::nullopt;
        }
        address.family = AddressFamily::ipv6;
        ::inet_ntop(AF_INET6, address.bytes.data(), canonical, sizeof canonical);
    } else {
        return std::nullopt;
    }
    address.text = canonical;
    return address;
}

LmsCheck judge_listeners(const std::vector<ProcNetSocket>& sockets, const LoopbackAddress& address,
                         std::uint16_t port) {
    std::string where = fmt::format("{}:{}", address.url_host(), port);
    const ProcNetSocket* first = nullptr;
    for (const auto& socket : sockets) {
        if (!reaches(socket, address, port)) {
            continue;
        }
        if (socket.uid != 0) {
            return {LmsVerdict::not_root, socket.uid,
                    fmt::format("the socket listening on {} belongs to uid {}, not root (inode "
                                "{} in {}), so it is not Intel LMS",
                                where, socket.uid, socket.inode, table_of(socket))};
        }
        first = first ? first : &socket;
    }
    if (!first) {
        return {LmsVerdict::not_listening, std::nullopt,
                fmt::format("nothing listens on {} (/proc/net/tcp, /proc/net/tcp6)", where)};
    }
    return {LmsVerdict::trusted, 0,
            fmt::format("the socket listening on {} belongs to root (inode {} in {})", where,
                        first->inode, table_of(*first))};
}

LmsCheck check_lms_owner(const LoopbackAddress& address, std::uint16_t port) {
    std::string problem;
    auto tcp4 = read_table("/proc/net/tcp", AddressFamily::ipv4, false, problem);
    auto tcp6 = read_table("/proc/net/tcp6", AddressFamily::ipv6, true, problem);
    if (!tcp4 || !tcp6) {
        return {LmsVerdict::unknown_owner, std::nullopt,
                fmt::format("cannot tell who listens on {}:{} ({}), and a listener of unknown "
                            "owner is not trusted as Intel LMS",
                            address.url_host(), port, problem)};
    }
    tcp4->insert(tcp4->end(), tcp6->begin(), tcp6->end());
    return judge_listeners(*tcp4, address, port);
}

LmsCheck check_lms(const LoopbackAddress& address, std::uint16_t port, int timeout_ms) {
    LmsCheck check = check_lms_owner(address, port);
    if (!check.trusted()) {
        return check;
    }
    Probe probe = probe_tcp(address.text, port, timeout_ms);
    if (probe.result != ProbeResult::accepted) {
        check.verdict = LmsVerdict::no_answer;
        check.detail += "; but it did not accept a connection: " + probe.detail;
    }
    return check;
}

} // namespace amtcfg::http
