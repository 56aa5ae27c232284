// Whether a loopback listener may be trusted as Intel LMS: only a socket owned by root is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::http {

enum class AddressFamily { ipv4, ipv6 };

// A loopback address as --lms-address gives it: IPv4 127.0.0.0/8 or IPv6 ::1.
struct LoopbackAddress {
    AddressFamily family = AddressFamily::ipv4;
    std::array<std::uint8_t, 16> bytes{}; // network byte order; IPv4 in the first four
    std::string text;                     // numeric, canonical, no brackets: "127.0.0.1", "::1"
    std::string url_host() const;         // as a URL needs it: "127.0.0.1", "[::1]"
};

// Parses "127.x.y.z", "::1" or "[::1]"; nullopt for anything else (other addresses, host names:
// LMS is local, and traffic meant for it must never leave the machine).
std::optional<LoopbackAddress> parse_loopback_address(std::string_view text);

// How the kernel printed each 32-bit word of an address in /proc/net/tcp{,6}: as a number in
// the host's byte order ("0100007F" is 127.0.0.1 on little-endian machines).
enum class WordOrder { little_endian, big_endian };
WordOrder host_word_order();

inline constexpr std::uint8_t k_tcp_listen = 0x0A; // the "st" column of a listening socket

// One line of /proc/net/tcp or /proc/net/tcp6.
struct ProcNetSocket {
    AddressFamily family = AddressFamily::ipv4;
    std::array<std::uint8_t, 16> local_address{}; // network byte order; IPv4 in the first four
    std::uint16_t local_port = 0;
    std::uint8_t state = 0;
    std::uint32_t uid = 0;
    std::uint64_t inode = 0;
};

// Parses the whole text of /proc/net/tcp (ipv4) or /proc/net/tcp6 (ipv6): a header line, then
// one socket per line. Pure; any input is safe. nullopt when a line does not have the kernel's
// shape, because a file that cannot be read completely cannot prove who listens.
std::optional<std::vector<ProcNetSocket>> parse_proc_net_tcp(std::string_view text,
                                                             AddressFamily family, WordOrder order);

enum class LmsVerdict {
    trusted,       // a listener owned by root (and, when probed, it accepted)
    not_listening, // no socket listens on the address and port
    not_root,      // the listener belongs to another user: whoever it is, it is not Intel LMS
    unknown_owner, // /proc could not tell (unreadable, malformed): not trusted either
    no_answer,     // owned by root, but the connect was refused or not answered
};

struct LmsCheck {
    LmsVerdict verdict = LmsVerdict::unknown_owner;
    std::optional<std::uint32_t> owner_uid; // the listener's owner, when one was found
    std::string detail; // how it was decided, for the log and for error messages
    bool trusted() const { return verdict == LmsVerdict::trusted; }
};

// Decides from the sockets of /proc/net/tcp and /proc/net/tcp6 who listens on address:port.
// Listeners on the address itself, on the wildcard address, and IPv6 sockets that take IPv4
// (:: and ::ffff:a.b.c.d) all count; every one of them must belong to root, since the kernel,
// not amtcfg, picks which one answers. Pure.
LmsCheck judge_listeners(const std::vector<ProcNetSocket>& sockets, const LoopbackAddress& address,
                         std::uint16_t port);

// Reads /proc/net/tcp and /proc/net/tcp6 (the network namespace amtcfg runs in) and judges
// them; a file that cannot be read or parsed makes the verdict unknown_owner (a missing tcp6,
// on a kernel without IPv6, has no sockets). Makes no connection.
LmsCheck check_lms_owner(const LoopbackAddress& address, std::uint16_t port);

// check_lms_owner, then, only for a listener owned by root, a TCP connect (closed at once)
// bounded by timeout_ms, so that a root-owned LMS that does not answer is not used either.
LmsCheck check_lms(const LoopbackAddress& address, std::uint16_t port, int timeout_ms);

} // namespace amtcfg::http
