// A non-blocking TCP connect bounded by poll(): answers "is anyone listening there?".
#include "amtcfg/util/tcp_probe.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace amtcfg {

namespace {

// sockaddr_in/sockaddr_in6 for a numeric address; family 0 when it is not one.
struct Endpoint {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = 0;
};

Endpoint parse_endpoint(const std::string& address, int port) {
    Endpoint e;
    auto net_port = htons(static_cast<std::uint16_t>(port));
    sockaddr_in v4{};
    if (::inet_pton(AF_INET, address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = net_port;
        std::memcpy(&e.storage, &v4, sizeof v4);
        e.length = sizeof v4;
        e.family = AF_INET;
        return e;
    }
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET6, address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = net_port;
        std::memcpy(&e.storage, &v6, sizeof v6);
        e.length = sizeof v6;
        e.family = AF_INET6;
    }
    return e;
}

bool wait_connected(int fd, int timeout_ms) {
    pollfd entry{.fd = fd, .events = POLLOUT, .revents = 0};
    int rc = 0;
    do {
        rc = ::poll(&entry, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc <= 0) {
        return false;
    }
    int error = 0;
    socklen_t length = sizeof error;
    return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

} // namespace

bool tcp_accepts(const std::string& address, int port, int timeout_ms) {
    Endpoint endpoint = parse_endpoint(address, port);
    if (endpoint.family == 0 || port <= 0 || port > 65535) {
        return false;
    }
    int fd = ::socket(endpoint.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    // sockaddr_storage is the API's own generic address type; the cast is the socket ABI.
    auto* generic = static_cast<sockaddr*>(static_cast<void*>(&endpoint.storage));
    bool accepted = false;
    if (::connect(fd, generic, endpoint.length) == 0) {
        accepted = true;
    } else if (errno == EINPROGRESS) {
        accepted = wait_connected(fd, timeout_ms);
    }
    ::close(fd);
    return accepted;
}

} // namespace amtcfg
