// A non-blocking TCP connect to tell whether LMS listens, bounded by a timeout.
#include "amtcfg/http/probe.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace amtcfg::http {
namespace {

struct AddressDeleter {
    void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

Probe from_errno(int error) {
    if (error == ECONNREFUSED) {
        return {ProbeResult::refused, "connection refused"};
    }
    return {ProbeResult::failed, std::strerror(error)};
}

// Waits for a connect in progress; the socket's own error says how it ended.
Probe finish_connect(int socket, int timeout_ms) {
    pollfd entry{socket, POLLOUT, 0};
    int ready = ::poll(&entry, 1, timeout_ms);
    if (ready == 0) {
        return {ProbeResult::no_answer, "no answer within " + std::to_string(timeout_ms) + " ms"};
    }
    if (ready < 0) {
        return from_errno(errno);
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
        return from_errno(errno);
    }
    return error == 0 ? Probe{ProbeResult::accepted, "accepted"} : from_errno(error);
}

} // namespace

Probe probe_tcp(const std::string& address, std::uint16_t port, int timeout_ms) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (::getaddrinfo(address.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
        return {ProbeResult::failed, "\"" + address + "\" is not a numeric IP address"};
    }
    std::unique_ptr<addrinfo, AddressDeleter> owner(found);
    int socket = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (socket < 0) {
        return from_errno(errno);
    }
    Probe result;
    if (::connect(socket, found->ai_addr, found->ai_addrlen) == 0) {
        result = {ProbeResult::accepted, "accepted"};
    } else if (errno == EINPROGRESS) {
        result = finish_connect(socket, timeout_ms);
    } else {
        result = from_errno(errno);
    }
    ::close(socket);
    return result;
}

} // namespace amtcfg::http
