// ByteChannels over a non-blocking loopback socket, optionally pumping a PumpedStream.
#include "amtcfg/http/socket_channel.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace amtcfg::http {
namespace {

// Longest single poll() wait; the deadline is checked between waits.
constexpr int k_wait_slice_ms = 1'000;

class SocketChannel final : public ByteChannel {
public:
    SocketChannel(int socket, PumpedStream* stream, const Deadline& deadline,
                  std::string description)
        : m_socket(socket), m_stream(stream), m_deadline(deadline),
          m_description(std::move(description)) {}
    ~SocketChannel() override { ::close(m_socket); }
    SocketChannel(const SocketChannel&) = delete;
    SocketChannel& operator=(const SocketChannel&) = delete;

    // Completes a non-blocking connect, pumping the stream meanwhile (it accepts the socket).
    void finish_connect() {
        for (;;) {
            pump();
            pollfd self{m_socket, POLLOUT, 0};
            if (::poll(&self, 1, 0) > 0) {
                break;
            }
            wait(POLLOUT, "the connection");
        }
        int error = 0;
        socklen_t size = sizeof error;
        if (::getsockopt(m_socket, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
            error = errno;
        }
        if (error != 0) {
            throw failure("cannot connect", error);
        }
    }

    void send(std::string_view bytes) override {
        while (!bytes.empty()) {
            pump();
            ssize_t sent =
                ::send(m_socket, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(sent));
            } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                wait(POLLOUT, "room to send");
            } else if (sent < 0 && errno != EINTR) {
                throw failure("cannot send", errno);
            }
        }
        pump();
    }

    bool receive(std::string& out, int timeout_ms) override {
        auto started = Deadline::Clock::now();
        for (;;) {
            pump();
            char buffer[16 * 1024];
            ssize_t got = ::recv(m_socket, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0) {
                out.append(buffer, static_cast<std::size_t>(got));
                return true;
            }
            if (got == 0) {
                return false;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                throw failure("cannot receive", errno);
            }
            int left = k_wait_slice_ms;
            if (timeout_ms >= 0) {
                auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  Deadline::Clock::now() - started)
                                  .count();
                if (waited >= timeout_ms) {
                    return true;
                }
                left = static_cast<int>(timeout_ms - waited);
            }
            wait(POLLIN, "an answer", left);
        }
    }

    void add_wait_descriptors(std::vector<pollfd>& out) const override {
        out.push_back({m_socket, POLLIN, 0});
        if (m_stream) {
            m_stream->add_wait_descriptors(out);
        }
    }

    std::string describe() const override { return m_description; }

private:
    void pump() {
        if (m_stream) {
            m_stream->pump();
        }
    }

    // Waits until the socket is ready for `events` or the stream has work, at most `cap_ms`.
    void wait(short events, std::string_view what, int cap_ms = k_wait_slice_ms) {
        m_deadline.check(fmt::format("{} from {}", what, m_description));
        std::vector<pollfd> descriptors{{m_socket, events, 0}};
        if (m_stream) {
            m_stream->add_wait_descriptors(descriptors);
        }
        int ready = ::poll(descriptors.data(), descriptors.size(), m_deadline.remaining_ms(cap_ms));
        if (ready < 0 && errno != EINTR) {
            throw failure("cannot wait", errno);
        }
    }

    Error failure(std::string_view what, int error) const {
        return Error(ErrorCategory::wsman_unreachable,
                     fmt::format("{} to {}: {}", what, m_description, std::strerror(error)));
    }

    int m_socket;
    PumpedStream* m_stream;
    const Deadline& m_deadline;
    std::string m_description;
};

int open_socket(int family, std::string_view description) {
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw Error(
            ErrorCategory::wsman_unreachable,
            fmt::format("cannot open a socket to {}: {}", description, std::strerror(errno)));
    }
    return fd;
}

// Starts connecting `channel`'s socket; a refusal on the spot is reported like a late one.
void start_connect(int fd, const sockaddr* address, socklen_t size, std::string_view description) {
    if (::connect(fd, address, size) != 0 && errno != EINPROGRESS) {
        throw Error(ErrorCategory::wsman_unreachable,
                    fmt::format("cannot connect to {}: {}", description, std::strerror(errno)));
    }
}

std::unique_ptr<ByteChannel> connect_to(int fd, PumpedStream* stream, const sockaddr* address,
                                        socklen_t size, const Deadline& deadline,
                                        std::string description) {
    auto channel = std::make_unique<SocketChannel>(fd, stream, deadline, description);
    start_connect(fd, address, size, description);
    channel->finish_connect();
    return channel;
}

} // namespace

std::unique_ptr<ByteChannel> connect_loopback(const LoopbackAddress& address, std::uint16_t port,
                                              const Deadline& deadline) {
    std::string description = fmt::format("LMS at {}:{}", address.url_host(), port);
    sockaddr_storage target{};
    socklen_t size = 0;
    if (address.family == AddressFamily::ipv6) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(target);
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        std::memcpy(&v6.sin6_addr, address.bytes.data(), 16);
        size = sizeof v6;
    } else {
        auto& v4 = reinterpret_cast<sockaddr_in&>(target);
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        std::memcpy(&v4.sin_addr, address.bytes.data(), 4);
        size = sizeof v4;
    }
    int fd = open_socket(target.ss_family, description);
    return connect_to(fd, nullptr, reinterpret_cast<const sockaddr*>(&target), size, deadline,
                      std::move(description));
}

std::unique_ptr<ByteChannel> connect_pumped(PumpedStream& stream, const Deadline& deadline) {
    std::string description = stream.describe();
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(stream.local_port());
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = open_socket(AF_INET, description);
    stream.expect_client(fd);
    return connect_to(fd, &stream, reinterpret_cast<const sockaddr*>(&target), sizeof target,
                      deadline, std::move(description));
}

} // namespace amtcfg::http
