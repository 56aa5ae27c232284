// tcp_accepts against a loopback listener, and against a port nobody listens on.
#include "amtcfg/util/tcp_probe.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A loopback listener on an ephemeral port, closed on destruction.
struct Listener {
    Listener() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        auto* generic = static_cast<sockaddr*>(static_cast<void*>(&address));
        REQUIRE(::bind(fd, generic, sizeof address) == 0);
        REQUIRE(::listen(fd, 1) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(fd, generic, &length) == 0);
        port = ntohs(address.sin_port);
    }
    ~Listener() { ::close(fd); }
    int fd = -1;
    int port = 0;
};

} // namespace

TEST_CASE("tcp_accepts sees a loopback listener and nothing once it is gone", "[unit]") {
    int port = 0;
    {
        Listener listener;
        port = listener.port;
        CHECK(amtcfg::tcp_accepts("127.0.0.1", port, 1000));
    }
    CHECK_FALSE(amtcfg::tcp_accepts("127.0.0.1", port, 1000));
}

TEST_CASE("tcp_accepts says no to addresses it cannot use", "[unit]") {
    CHECK_FALSE(amtcfg::tcp_accepts("not-an-address", 16992, 100));
    CHECK_FALSE(amtcfg::tcp_accepts("127.0.0.1", 0, 100));
    CHECK_FALSE(amtcfg::tcp_accepts("127.0.0.1", 70000, 100));
}
