// Drives the preload library with raw syscalls, as a kernel client would, and checks the
// kernel semantics of reference/mei-heci.md. Run under with-sim.sh: mei_probe SCENARIO.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {

int g_failures = 0;

void check(bool ok, const char* what, int line) {
    if (!ok) {
        std::fprintf(stderr, "line %d: FAILED: %s (errno %d %s)\n", line, what, errno,
                     std::strerror(errno));
        ++g_failures;
    }
}
#define CHECK(x) check((x), #x, __LINE__)
#define CHECK_ERRNO(call, err)                                                                     \
    check((call) == -1 && errno == (err), #call " fails with " #err, __LINE__)

constexpr unsigned long k_connect = 0xC0104801;
constexpr unsigned long k_notify_get = 0x80044803;
constexpr std::uint8_t k_amthi[16] = {0x28, 0x00, 0xf8, 0x12, 0xb7, 0xb4, 0x2d, 0x4b,
                                      0xac, 0xa8, 0x46, 0xe0, 0xff, 0x65, 0x81, 0x4c};
constexpr std::uint8_t k_lme[16] = {0xdb, 0xa4, 0x33, 0x67, 0x76, 0x04, 0x7b, 0x4e,
                                    0xb3, 0xaf, 0xbc, 0xfc, 0x29, 0xbe, 0xe7, 0xa7};
constexpr std::uint8_t k_mkhi[16] = {0x15, 0x67, 0x6a, 0x8e, 0xbc, 0x9a, 0x43, 0x40,
                                     0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f};
constexpr std::uint8_t k_watchdog[16] = {0x6f, 0x9a, 0xb7, 0x05, 0x28, 0x46, 0x7f, 0x4d,
                                         0x89, 0x9d, 0xa9, 0x15, 0x14, 0xcb, 0x32, 0xab};
// GetUUID request: version 1.1, command 0x0400005C, Length 0.
constexpr std::uint8_t k_get_uuid[12] = {1, 1, 0, 0, 0x5c, 0, 0, 0x04, 0, 0, 0, 0};

std::uint32_t u32(const std::uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

// CONNECT; returns the ioctl result and the max_msg_length it reported.
int connect(int fd, const std::uint8_t* guid, std::uint32_t* mtu = nullptr,
            std::uint8_t* protocol = nullptr) {
    std::uint8_t data[16];
    std::memcpy(data, guid, 16);
    int rc = ::ioctl(fd, k_connect, data);
    if (rc == 0 && mtu != nullptr)
        *mtu = u32(data);
    if (rc == 0 && protocol != nullptr)
        *protocol = data[4];
    return rc;
}

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

void basic_nodes() {
    CHECK_ERRNO(::open("/dev/mei1", O_RDWR), ENOENT);
    CHECK_ERRNO(::open("/dev/mei", O_RDWR), ENOENT);
    int fd = ::open("/dev/mei0", O_RDWR | O_CLOEXEC);
    CHECK(fd >= 0);
    std::uint8_t buffer[64];
    CHECK_ERRNO(::write(fd, k_get_uuid, sizeof k_get_uuid), ENODEV);
    CHECK_ERRNO(::read(fd, buffer, sizeof buffer), ENODEV);
    std::uint8_t unknown[16] = {1, 2, 3};
    CHECK_ERRNO(connect(fd, unknown), ENOTTY);
    CHECK_ERRNO(::ioctl(fd, k_notify_get, buffer), EOPNOTSUPP);
    CHECK_ERRNO(::ioctl(fd, 0x4801UL, buffer), EINVAL);
    CHECK(::close(fd) == 0);
}

void basic_amthi() {
    int fd = ::open("/dev/mei0", O_RDWR);
    std::uint32_t mtu = 0;
    std::uint8_t protocol = 0;
    CHECK(connect(fd, k_amthi, &mtu, &protocol) == 0);
    CHECK(mtu == 5120);
    CHECK(protocol == 1);
    CHECK_ERRNO(connect(fd, k_amthi), EBUSY);
    int second = ::open("/dev/mei0", O_RDWR);
    CHECK_ERRNO(connect(second, k_amthi), EBUSY); // AMTHI is single-instance
    CHECK(!readable(fd, 0));
    CHECK(::write(fd, k_get_uuid, sizeof k_get_uuid) == 12);
    // A mixed fd set: a pipe that never becomes readable beside the MEI fd.
    int pipe_fds[2];
    CHECK(::pipe(pipe_fds) == 0);
    pollfd set[2] = {{pipe_fds[0], POLLIN, 0}, {fd, POLLIN, 0}};
    CHECK(::poll(set, 2, 1000) == 1 && set[1].revents == POLLIN && set[0].revents == 0);
    std::uint8_t reply[64] = {};
    CHECK(::read(fd, reply, 10) == 10); // a short buffer keeps the rest of the message
    CHECK(readable(fd, 0));
    CHECK(::read(fd, reply + 10, sizeof reply - 10) == 22);
    CHECK(reply[0] == 1 && reply[1] == 1 && u32(reply + 4) == 0x0480005C);
    CHECK(u32(reply + 8) == 20 && u32(reply + 12) == 0);
    // default uuid 8c8a0a58-1d23-4c5e-...: first field little-endian on the wire
    CHECK(reply[16] == 0x58 && reply[19] == 0x8c && reply[20] == 0x23 && reply[21] == 0x1d);
    CHECK(!readable(fd, 0));
    std::uint8_t big[5121] = {};
    CHECK_ERRNO(::write(fd, big, sizeof big), EFBIG);
    CHECK(::write(fd, big, 0) == 0);
    CHECK(::read(fd, reply, 0) == 0);
    CHECK(::fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERRNO(::read(fd, reply, sizeof reply), EAGAIN);
    CHECK(::close(fd) == 0);
    CHECK(connect(second, k_amthi) == 0); // free again once the holder closed
    CHECK(::close(second) == 0 && ::close(pipe_fds[0]) == 0 && ::close(pipe_fds[1]) == 0);
}

void basic_other_clients() {
    int fd = ::open("/dev/mei0", O_RDWR);
    CHECK(connect(fd, k_mkhi) == 0);
    const std::uint8_t fw_version[4] = {0xFF, 0x02, 0x00, 0x00};
    CHECK(::write(fd, fw_version, 4) == 4);
    std::uint8_t reply[64];
    CHECK(::read(fd, reply, sizeof reply) == 28); // blocking read, reply already due
    CHECK(reply[0] == 0xFF && reply[1] == 0x82 && reply[3] == 0);
    CHECK(reply[4] == 1 && reply[6] == 16); // minor 1, major 16 of the default 16.1.25
    ::close(fd);
    fd = ::open("/dev/mei0", O_RDWR);
    CHECK(connect(fd, k_watchdog) == 0);
    const std::uint8_t change_enabled[4] = {0x05, 0x02, 0x51, 0x10};
    CHECK(::write(fd, change_enabled, 4) == 4);
    CHECK(::read(fd, reply, sizeof reply) == 1);
    CHECK(reply[0] == 0x83); // transition allowed, enabled, new interface
    ::close(fd);
    fd = ::open("/dev/mei0", O_RDWR);
    CHECK(connect(fd, k_lme) == 0);
    ::close(fd);
}

int amthi_fd() {
    int fd = ::open("/dev/mei0", O_RDWR);
    CHECK(connect(fd, k_amthi) == 0);
    return fd;
}

void latency() {
    int fd = amthi_fd();
    auto start = std::chrono::steady_clock::now();
    CHECK(::write(fd, k_get_uuid, sizeof k_get_uuid) == 12);
    CHECK(!readable(fd, 0));
    CHECK(readable(fd, 2000));
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(50));
    std::uint8_t reply[64];
    CHECK(::read(fd, reply, sizeof reply) == 32);
    ::close(fd);
}

void busy() {
    int fd = ::open("/dev/mei0", O_RDWR);
    CHECK_ERRNO(connect(fd, k_amthi), EBUSY);
    CHECK_ERRNO(connect(fd, k_amthi), EBUSY);
    CHECK(connect(fd, k_amthi) == 0);
    ::close(fd);
}

void reset() {
    int fd = amthi_fd();
    std::uint8_t reply[64];
    CHECK(::write(fd, k_get_uuid, sizeof k_get_uuid) == 12);
    CHECK(::read(fd, reply, sizeof reply) == 32);
    CHECK_ERRNO(::write(fd, k_get_uuid, sizeof k_get_uuid), ENODEV);
    CHECK(readable(fd, 0)); // a poller wakes up to see the ENODEV
    CHECK_ERRNO(::read(fd, reply, sizeof reply), ENODEV);
    ::close(fd);
    fd = amthi_fd(); // after a reset the client reopens and reconnects
    CHECK(::write(fd, k_get_uuid, sizeof k_get_uuid) == 12);
    CHECK(::read(fd, reply, sizeof reply) == 32);
    ::close(fd);
}

void no_lme() {
    int fd = ::open("/dev/mei0", O_RDWR);
    CHECK_ERRNO(connect(fd, k_lme), ENOTTY);
    CHECK(connect(fd, k_amthi) == 0);
    ::close(fd);
}

} // namespace

int main(int argc, char** argv) {
    std::string scenario = argc > 1 ? argv[1] : "";
    if (scenario == "basic") {
        basic_nodes();
        basic_amthi();
        basic_other_clients();
    } else if (scenario == "latency") {
        latency();
    } else if (scenario == "busy") {
        busy();
    } else if (scenario == "reset") {
        reset();
    } else if (scenario == "no-lme") {
        no_lme();
    } else if (scenario == "no-mei") {
        CHECK_ERRNO(::open("/dev/mei0", O_RDWR), ENOENT);
    } else if (scenario == "denied") {
        CHECK_ERRNO(::open("/dev/mei0", O_RDWR), EACCES);
    } else {
        std::fprintf(stderr, "usage: mei_probe basic|latency|busy|reset|no-lme|no-mei|denied\n");
        return 2;
    }
    return g_failures == 0 ? 0 : 1;
}
