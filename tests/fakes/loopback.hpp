// Loopback helpers for tests: a TCP port nobody listens on, and whether one accepts.
#pragma once

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace amtcfg::test {

// A loopback port on which nothing listens: bound once to learn a free number, then closed.
inline std::uint16_t closed_port() {
    int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(probe, reinterpret_cast<sockaddr*>(&address), size);         // NOLINT: sockaddr API
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size); // NOLINT: sockaddr API
    ::close(probe);
    return ntohs(address.sin_port);
}

// A socket listening on 127.0.0.1 at a free port (written to `port`), for a test's server.
inline int listen_loopback(std::uint16_t& port, int backlog = 4) {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(listener, reinterpret_cast<sockaddr*>(&address), size); // NOLINT: sockaddr API
    ::listen(listener, backlog);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size); // NOLINT: sockaddr API
    port = ntohs(address.sin_port);
    return listener;
}

// Whether something accepts TCP connections on the loopback port.
inline bool port_accepts(std::uint16_t port) {
    int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ok =
        ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0; // NOLINT
    ::close(probe);
    return ok;
}

} // namespace amtcfg::test
