// Fuzz target: the LMS owner check's parsers and judge: /proc/net/tcp{,6} text
// (parse_proc_net_tcp), --lms-address text (parse_loopback_address) and judge_listeners. A
// listener owned by anyone but root on exactly the LMS address and port is never trusted.
#include "amtcfg/http/lms_trust.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace amtcfg::http;

namespace {

[[noreturn]] void violated() {
    __builtin_trap();
}

void check_address_text(std::string_view text) {
    auto address = parse_loopback_address(text);
    if (!address) {
        return;
    }
    auto again = parse_loopback_address(address->url_host());
    bool loopback = address->family == AddressFamily::ipv4
                        ? address->bytes[0] == 127
                        : address->bytes == std::array<std::uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0,
                                                                         0, 0, 0, 0, 0, 0, 0, 1};
    if (!loopback || !again || again->bytes != address->bytes || again->text != address->text) {
        violated();
    }
}

// Exactly this address and port, listening: the plainest case the judge must catch.
bool listens_exactly(const ProcNetSocket& socket, const LoopbackAddress& address,
                     std::uint16_t port) {
    std::size_t size = address.family == AddressFamily::ipv4 ? 4 : 16;
    return socket.family == address.family && socket.state == k_tcp_listen &&
           socket.local_port == port &&
           std::equal(address.bytes.begin(), address.bytes.begin() + size,
                      socket.local_address.begin());
}

void check_judge(const std::vector<ProcNetSocket>& sockets, const LoopbackAddress& address,
                 std::uint16_t port) {
    LmsCheck check = judge_listeners(sockets, address, port);
    bool foreign = std::any_of(sockets.begin(), sockets.end(), [&](const ProcNetSocket& s) {
        return listens_exactly(s, address, port) && s.uid != 0;
    });
    bool root = std::any_of(sockets.begin(), sockets.end(), [&](const ProcNetSocket& s) {
        return s.state == k_tcp_listen && s.local_port == port && s.uid == 0;
    });
    if (check.detail.empty() || (foreign && check.trusted()) ||
        (check.trusted() && (!root || check.owner_uid != 0U)) ||
        (check.verdict == LmsVerdict::not_root && (!check.owner_uid || *check.owner_uid == 0))) {
        violated();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    check_address_text(text.substr(0, text.find('\n')));
    AddressFamily family = data[0] & 1 ? AddressFamily::ipv6 : AddressFamily::ipv4;
    WordOrder order = data[0] & 2 ? WordOrder::big_endian : WordOrder::little_endian;
    auto sockets = parse_proc_net_tcp(text, family, order);
    if (!sockets) {
        return 0;
    }
    std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (sockets->size() >= lines) {
        violated(); // the header line is never a socket
    }
    for (const auto& socket : *sockets) {
        if (socket.family != family) {
            violated();
        }
    }
    std::uint16_t port = data[0] & 4 ? 16993 : 16992;
    for (const char* where : {"127.0.0.1", "::1", "127.1.2.3"}) {
        check_judge(*sockets, *parse_loopback_address(where), port);
    }
    return 0;
}
