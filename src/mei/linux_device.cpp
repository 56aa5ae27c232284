// LinuxDevice and its transport: open/ioctl/read/write/poll/close on /dev/meiN and nothing else,
// so the simulator's LD_PRELOAD library sees exactly the calls the kernel would.
#include "amtcfg/mei/linux_device.hpp"

#include "amtcfg/mei/errors.hpp"

#include <fmt/format.h>
#include <linux/mei.h>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace amtcfg::mei {

namespace {

// Owns one file descriptor of the device node.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

class LinuxTransport : public Transport {
public:
    LinuxTransport(std::unique_ptr<Fd> fd, ClientProperties properties, std::string path,
                   std::string_view client)
        : m_fd(std::move(fd)), m_properties(properties), m_path(std::move(path)), m_client(client) {
    }

    const ClientProperties& properties() const override { return m_properties; }
    int poll_handle() const override { return m_fd->get(); }

    void send(ByteView message) override {
        for (;;) {
            ssize_t n = ::write(m_fd->get(), message.data(), message.size());
            if (n >= 0 && static_cast<std::size_t>(n) == message.size()) {
                return;
            }
            if (n >= 0) {
                throw Error(ErrorCategory::amt_unavailable,
                            fmt::format("short write to the {} client on {}: {} of {} bytes",
                                        m_client, m_path, n, message.size()));
            }
            if (errno != EINTR) {
                throw_errno(errno, IoStage::write, m_path, m_client);
            }
        }
    }

    Bytes receive(int timeout_ms) override {
        wait_readable(timeout_ms);
        // The kernel hands out one message per read(); a buffer of the client's MTU holds it.
        Bytes buffer(std::max<std::uint32_t>(m_properties.max_message_length, 1));
        for (;;) {
            ssize_t n = ::read(m_fd->get(), buffer.data(), buffer.size());
            if (n >= 0) {
                buffer.resize(static_cast<std::size_t>(n));
                return buffer;
            }
            if (errno != EINTR) {
                throw_errno(errno, IoStage::read, m_path, m_client);
            }
        }
    }

private:
    void wait_readable(int timeout_ms) {
        pollfd entry{.fd = m_fd->get(), .events = POLLIN, .revents = 0};
        for (;;) {
            int rc = ::poll(&entry, 1, timeout_ms);
            if (rc > 0 && (entry.revents & POLLIN) != 0) {
                return;
            }
            if (rc > 0) { // POLLERR/POLLHUP without data: the client was disconnected
                throw_errno(ENODEV, IoStage::poll, m_path, m_client);
            }
            if (rc == 0) {
                throw_errno(ETIME, IoStage::poll, m_path, m_client);
            }
            if (errno != EINTR) {
                throw_errno(errno, IoStage::poll, m_path, m_client);
            }
        }
    }

    std::unique_ptr<Fd> m_fd;
    ClientProperties m_properties;
    std::string m_path;
    std::string_view m_client;
};

} // namespace

std::vector<std::string> default_device_paths() {
    std::vector<std::string> paths;
    for (int i = 0; i < 16; ++i) {
        paths.push_back(fmt::format("/dev/mei{}", i));
    }
    paths.emplace_back("/dev/mei");
    return paths;
}

LinuxDevice::LinuxDevice(std::vector<std::string> candidates)
    : LinuxDevice(std::move(candidates),
                  [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }) {}

LinuxDevice::LinuxDevice(std::vector<std::string> candidates, BusyWait wait)
    : m_candidates(std::move(candidates)), m_wait(std::move(wait)) {}

std::string_view LinuxDevice::path() const {
    if (!m_path.empty()) {
        return m_path;
    }
    return m_candidates.empty() ? std::string_view{} : std::string_view{m_candidates.front()};
}

int LinuxDevice::open_node() {
    if (!m_path.empty()) {
        int fd = ::open(m_path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            throw_errno(errno, IoStage::open, m_path, "");
        }
        return fd;
    }
    // Discovery: the first candidate that opens. Report a permission problem over a missing
    // node, because "no device" would send the user looking for the wrong fix.
    int first_errno = ENOENT;
    std::string first_path = std::string(path());
    for (const auto& candidate : m_candidates) {
        int fd = ::open(candidate.c_str(), O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            m_path = candidate;
            return fd;
        }
        int err = errno;
        if ((err == EACCES || err == EPERM) && first_errno != EACCES) {
            first_errno = EACCES;
            first_path = candidate;
        } else if (err != ENOENT && first_errno == ENOENT) {
            first_errno = err;
            first_path = candidate;
        }
    }
    throw_errno(first_errno, IoStage::open, first_path, "");
}

std::unique_ptr<Transport> LinuxDevice::connect_once(const ClientGuid& client) {
    auto fd = std::make_unique<Fd>(open_node());
    mei_connect_client_data data{};
    std::copy(client.bytes_le.begin(), client.bytes_le.end(), data.in_client_uuid.b);
    if (::ioctl(fd->get(), IOCTL_MEI_CONNECT_CLIENT, &data) != 0) {
        throw_errno(errno, IoStage::connect, m_path, client.name);
    }
    ClientProperties properties{.max_message_length = data.out_client_properties.max_msg_length,
                                .protocol_version = data.out_client_properties.protocol_version};
    return std::make_unique<LinuxTransport>(std::move(fd), properties, m_path, client.name);
}

std::unique_ptr<Transport> LinuxDevice::connect(const ClientGuid& client) {
    std::unique_ptr<Transport> transport;
    // A fresh fd per attempt: a failed connect may leave the old one in an undefined state.
    retry_while_busy([&] { transport = connect_once(client); }, m_wait);
    return transport;
}

std::unique_ptr<Device> make_linux_device(const std::string& path) {
    if (!path.empty()) {
        return std::make_unique<LinuxDevice>(std::vector<std::string>{path});
    }
    return std::make_unique<LinuxDevice>(default_device_paths());
}

} // namespace amtcfg::mei
