// Moves bytes between a loopback connection and an APF channel so libcurl can speak over LME.
#include "amtcfg/apf/channel_stream.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace amtcfg::apf {
namespace {

constexpr std::size_t k_read_chunk = 16 * 1024;

bool would_block(int error) {
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

Error socket_error(std::string_view what) {
    return Error(ErrorCategory::internal, fmt::format("cannot {}: {}", what, std::strerror(errno)));
}

// True when `accepted` is the far end of `expected`: the peer's address is the local address
// of the socket the client announced, so no other process can slip into the tunnel.
bool is_peer_of(int accepted, int expected) {
    sockaddr_in peer{};
    sockaddr_in local{};
    socklen_t peer_size = sizeof peer;
    socklen_t local_size = sizeof local;
    return expected >= 0 &&
           ::getpeername(accepted, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0 &&
           ::getsockname(expected, reinterpret_cast<sockaddr*>(&local), &local_size) == 0 &&
           peer.sin_family == AF_INET && local.sin_family == AF_INET &&
           peer.sin_port == local.sin_port && peer.sin_addr.s_addr == local.sin_addr.s_addr;
}

} // namespace

ChannelStream::ChannelStream(Session& session, std::uint16_t port, Log& log)
    : m_session(session), m_port(port), m_log(log) {}

ChannelStream::~ChannelStream() {
    if (m_link >= 0) {
        ::close(m_link);
    }
    if (m_listen >= 0) {
        ::close(m_listen);
    }
}

std::string ChannelStream::describe() const {
    return fmt::format("LME (APF channel to port {})", m_port);
}

std::uint16_t ChannelStream::local_port() {
    if (m_listen >= 0) {
        return m_local_port;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    int socket = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (socket < 0) {
        throw socket_error("create the tunnel's socket");
    }
    if (::bind(socket, reinterpret_cast<const sockaddr*>(&address), size) != 0 ||
        ::listen(socket, 4) != 0 ||
        ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        Error error = socket_error("listen on the tunnel's socket");
        ::close(socket);
        throw error;
    }
    m_listen = socket;
    m_local_port = ntohs(address.sin_port);
    return m_local_port;
}

void ChannelStream::expect_client(int socket) {
    m_expected = socket;
}

void ChannelStream::add_wait_descriptors(std::vector<pollfd>& out) const {
    if (m_session.poll_handle() >= 0) {
        out.push_back({m_session.poll_handle(), POLLIN, 0});
    }
    if (m_listen >= 0) {
        out.push_back({m_listen, POLLIN, 0});
    }
    if (m_link < 0) {
        return;
    }
    short events = 0;
    // Read the client's bytes only when they can go out, or to notice that it closed.
    if (m_session.send_budget() > 0 || !m_session.channel_open()) {
        events |= POLLIN;
    }
    if (!m_to_client.empty()) {
        events |= POLLOUT;
    }
    if (events != 0) {
        out.push_back({m_link, events, 0});
    }
}

void ChannelStream::pump() {
    accept_client();
    m_session.receive_ready();
    if (m_link < 0) {
        return;
    }
    Bytes received = m_session.take_received();
    append_wiping_old(m_to_client, received);
    wipe_bytes(received);
    deliver_to_client();
    if (m_link >= 0) {
        forward_from_client();
    }
}

void ChannelStream::accept_client() {
    while (m_listen >= 0) {
        int socket = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (socket < 0) {
            return;
        }
        if (!is_peer_of(socket, m_expected)) {
            m_log.warning("apf: refused a connection to the tunnel from an unknown socket");
            ::close(socket);
            continue;
        }
        end_link();
        int on = 1; // responses go out as soon as they arrive from AMT
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        m_link = socket;
        m_to_client.clear();
        m_eof_sent = false;
        try {
            m_session.open_channel(m_port);
        } catch (...) {
            end_link();
            throw;
        }
    }
}

void ChannelStream::end_link() {
    if (m_link >= 0) {
        ::close(m_link);
        m_link = -1;
    }
    m_session.close_channel();
}

void ChannelStream::deliver_to_client() {
    std::size_t written = 0;
    while (written < m_to_client.size()) {
        ssize_t count = ::send(m_link, m_to_client.data() + written, m_to_client.size() - written,
                               MSG_NOSIGNAL);
        if (count < 0) {
            if (!would_block(errno)) {
                m_log.debug("apf: the HTTP client's socket failed: {}", std::strerror(errno));
                end_link();
                return;
            }
            break;
        }
        written += static_cast<std::size_t>(count);
    }
    erase_front_wiping(m_to_client, written);
    m_session.credit(written);
    if (m_to_client.empty() && m_session.closed_by_amt() && !m_eof_sent) {
        ::shutdown(m_link, SHUT_WR); // AMT closed: the client reads end-of-file after the data
        m_eof_sent = true;
    }
}

void ChannelStream::forward_from_client() {
    std::uint8_t buffer[k_read_chunk];
    for (;;) {
        bool open = m_session.channel_open();
        std::size_t budget = open ? m_session.send_budget() : sizeof buffer;
        if (budget == 0) {
            return; // wait for AMT's WINDOW_ADJUST
        }
        ssize_t count = ::recv(m_link, buffer, std::min(budget, sizeof buffer), 0);
        if (count < 0 && would_block(errno)) {
            return;
        }
        if (count <= 0 || !open) {
            // The client closed, or wrote to a channel AMT already closed (a reused
            // connection): ending the link makes it see end-of-file and reconnect.
            m_log.trace("apf: the HTTP client's connection ended");
            end_link();
            return;
        }
        std::size_t sent = m_session.send(ByteView(buffer, static_cast<std::size_t>(count)));
        OPENSSL_cleanse(buffer, sizeof buffer); // the request: digests, the MEBx password
        if (sent != static_cast<std::size_t>(count)) {
            throw Error(ErrorCategory::internal, "apf: sent less than the window allowed");
        }
    }
}

} // namespace amtcfg::apf
