// A PumpedStream for tests: each connection the client makes to local_port() is relayed to a
// TCP port on 127.0.0.1 (the TLS server), as an APF channel relays it to AMT's port.
#pragma once

#include "amtcfg/util/stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace amtcfg::testing {

class RelayStream : public PumpedStream {
public:
    explicit RelayStream(std::uint16_t upstream_port) : m_upstream_port(upstream_port) {}
    ~RelayStream() override {
        end_link();
        if (m_listen >= 0) {
            ::close(m_listen);
        }
    }
    RelayStream(const RelayStream&) = delete;
    RelayStream& operator=(const RelayStream&) = delete;

    std::uint16_t local_port() override {
        if (m_listen < 0) {
            m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            sockaddr_in address = loopback(0);
            socklen_t size = sizeof address;
            ::bind(m_listen, reinterpret_cast<sockaddr*>(&address), size);
            ::listen(m_listen, 4);
            ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &size);
            m_local_port = ntohs(address.sin_port);
        }
        return m_local_port;
    }
    void expect_client(int socket) override { m_expected = socket; }
    void add_wait_descriptors(std::vector<pollfd>& out) const override {
        for (int fd : {m_listen, m_client, m_upstream}) {
            if (fd >= 0) {
                out.push_back({fd, POLLIN, 0});
            }
        }
    }
    void pump() override {
        int accepted = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (accepted >= 0) {
            end_link();
            ++m_accepted;
            m_client = accepted;
            m_upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in address = loopback(m_upstream_port);
            ::connect(m_upstream, reinterpret_cast<sockaddr*>(&address), sizeof address);
            ::fcntl(m_upstream, F_SETFL, O_NONBLOCK);
        }
        if (m_client >= 0 && (!move(m_client, m_upstream) || !move(m_upstream, m_client))) {
            end_link(); // either side closed: the other sees end-of-file
        }
    }
    std::string describe() const override { return "a test relay"; }

    int accepted() const { return m_accepted; }
    int expected_socket() const { return m_expected; }

private:
    static sockaddr_in loopback(std::uint16_t port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        return address;
    }
    // Moves what is readable now; false at end-of-file or an error.
    static bool move(int from, int to) {
        char buffer[16384];
        for (;;) {
            ssize_t count = ::recv(from, buffer, sizeof buffer, 0);
            if (count < 0) {
                return errno == EAGAIN || errno == EWOULDBLOCK;
            }
            if (count == 0) {
                return false;
            }
            // Small test payloads: a blocking-enough write loop on a loopback socket.
            for (ssize_t sent = 0; sent < count;) {
                ssize_t done =
                    ::send(to, buffer + sent, static_cast<std::size_t>(count - sent), MSG_NOSIGNAL);
                if (done < 0 && errno != EAGAIN) {
                    return false;
                }
                sent += done > 0 ? done : 0;
            }
        }
    }
    void end_link() {
        for (int* fd : {&m_client, &m_upstream}) {
            if (*fd >= 0) {
                ::close(*fd);
                *fd = -1;
            }
        }
    }

    std::uint16_t m_upstream_port;
    std::uint16_t m_local_port = 0;
    int m_listen = -1;
    int m_expected = -1;
    int m_client = -1;
    int m_upstream = -1;
    int m_accepted = 0;
};

} // namespace amtcfg::testing
