// The simulated LMS: accepts loopback TCP connections and serves HTTP from the WS-Man service.
#include "apf/lms_listener.hpp"

#include "wsman/connection.hpp"
#include "wsman/tls_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace amtcfg::sim {
namespace {

bool write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

int bind_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error(std::string("lms listener: socket: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 16) != 0) {
        auto error = std::string(std::strerror(errno));
        ::close(fd);
        throw std::runtime_error(
            "lms listener: cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + error);
    }
    return fd;
}

} // namespace

std::uint16_t LmsListener::start(std::uint16_t port) {
    m_listen_fd = bind_loopback(port);
    if (::pipe2(m_wake, O_CLOEXEC) != 0) {
        throw std::runtime_error("lms listener: pipe failed");
    }
    sockaddr_in bound{};
    socklen_t size = sizeof bound;
    ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&bound), &size);
    m_acceptor = std::thread([this] { accept_loop(); });
    return ntohs(bound.sin_port);
}

void LmsListener::accept_loop() {
    while (!m_stopping) {
        pollfd fds[2] = {{m_listen_fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
            return;
        }
        if (fds[1].revents != 0) {
            return;
        }
        if ((fds[0].revents & POLLIN) == 0) {
            continue;
        }
        int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        ++m_connections;
        std::lock_guard lock(m_mutex);
        m_workers.emplace_back([this, fd] { serve(fd); });
    }
}

void LmsListener::serve(int fd) {
    // LMS has no LME session to forward to while AMT is soft-disabled: nothing answers. A
    // TLS-enforced device speaks TLS here (LMS forwards 16993), or nothing without TLS files.
    // With TLS configured in AMT (CommitChanges) it carries both 16992 and 16993, told apart by
    // the first byte; with the LMS TLS setting enabled only TLS, like a TLS-enforced device.
    auto [enabled, ports] = m_service.model().read([](const DeviceState& d) {
        return std::pair(d.watchdog.amt_enabled, management_ports(d));
    });
    auto stream = enabled ? open_local_connection(m_service, ports) : nullptr;
    if (!stream) {
        ::close(fd);
        return;
    }
    auto& connection = *stream;
    char buffer[16384];
    while (!connection.closed()) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
            break;
        }
        if (fds[1].revents != 0) {
            break;
        }
        auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        auto out = connection.receive(std::string_view(buffer, static_cast<std::size_t>(n)));
        if (!out.empty() && !write_all(fd, out)) {
            break;
        }
    }
    ::close(fd);
}

void LmsListener::stop() {
    if (m_listen_fd < 0) {
        return;
    }
    m_stopping = true;
    char byte = 1;
    [[maybe_unused]] auto written = ::write(m_wake[1], &byte, 1);
    if (m_acceptor.joinable()) {
        m_acceptor.join();
    }
    std::list<std::thread> workers;
    {
        std::lock_guard lock(m_mutex);
        workers.swap(m_workers);
    }
    for (auto& worker : workers) {
        worker.join();
    }
    ::close(m_listen_fd);
    ::close(m_wake[0]);
    ::close(m_wake[1]);
    m_listen_fd = -1;
}

} // namespace amtcfg::sim
