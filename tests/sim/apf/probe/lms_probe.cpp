// Run under scripts/with-sim.sh --lms (AMTCFG_SIM_LMS_PROGRAM=lms_probe): checks with raw
// syscalls that the simulated LMS answers WS-Man on AMTCFG_LMS_PORT (127.0.0.1) and that the
// LME client is then busy. Exits non-zero naming the first failed check.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr unsigned long k_connect = 0xC0104801; // IOCTL_MEI_CONNECT_CLIENT
constexpr std::uint8_t k_lme[16] = {0xdb, 0xa4, 0x33, 0x67, 0x76, 0x04, 0x7b, 0x4e,
                                    0xb3, 0xaf, 0xbc, 0xfc, 0x29, 0xbe, 0xe7, 0xa7};

int fail(const char* what) {
    std::fprintf(stderr, "lms_probe: %s\n", what);
    return 1;
}

std::string post_without_credentials(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return {};
    }
    std::string request = "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) < 0) {
        ::close(fd);
        return {};
    }
    std::string reply;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) { // the 401 closes the connection
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
}

} // namespace

int main() {
    const char* port = std::getenv("AMTCFG_LMS_PORT");
    if (port == nullptr) {
        return fail("AMTCFG_LMS_PORT is not set");
    }
    auto reply = post_without_credentials(static_cast<std::uint16_t>(std::atoi(port)));
    if (reply.rfind("HTTP/1.1 401 ", 0) != 0 ||
        reply.find("WWW-Authenticate: Digest realm=\"Digest:") == std::string::npos) {
        return fail("LMS did not answer with a digest challenge");
    }
    int fd = ::open("/dev/mei0", O_RDWR);
    if (fd < 0) {
        return fail("cannot open /dev/mei0");
    }
    unsigned char data[16];
    std::memcpy(data, k_lme, sizeof data);
    if (::ioctl(fd, k_connect, data) == 0 || errno != EBUSY) {
        return fail("LME connect did not give EBUSY while LMS runs");
    }
    ::close(fd);
    std::puts("lms_probe: ok");
    return 0;
}
