// Tests of trusting LMS: loopback addresses, /proc/net/tcp{,6} parsing, and who owns a listener.
#include "amtcfg/http/lms_trust.hpp"

#include "fakes/loopback.hpp"

#include <catch2/catch.hpp>

#include <sys/fsuid.h>
#include <unistd.h>

using namespace amtcfg::http;

namespace {

const std::string k_tcp_header = "  sl  local_address rem_address   st tx_queue rx_queue tr "
                                 "tm->when retrnsmt   uid  timeout inode\n";
const std::string k_tcp6_header =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

// A socket line as the kernel prints it (get_tcp4_sock / get_tcp6_sock).
std::string line(const std::string& local, const std::string& state, unsigned uid, unsigned inode) {
    std::string remote = local.size() > 13 ? std::string(32, '0') + ":0000" : "00000000:0000";
    return "   0: " + local + " " + remote + " " + state +
           " 00000000:00000000 00:00000000 00000000 " + std::to_string(uid) + "        0 " +
           std::to_string(inode) + " 1 0000000000000000 100 0 0 10 0\n";
}

LoopbackAddress address(const std::string& text) {
    auto parsed = parse_loopback_address(text);
    REQUIRE(parsed);
    return *parsed;
}

std::vector<ProcNetSocket> v4(const std::string& lines) {
    auto sockets =
        parse_proc_net_tcp(k_tcp_header + lines, AddressFamily::ipv4, WordOrder::little_endian);
    REQUIRE(sockets);
    return *sockets;
}

std::vector<ProcNetSocket> v6(const std::string& lines) {
    auto sockets =
        parse_proc_net_tcp(k_tcp6_header + lines, AddressFamily::ipv6, WordOrder::little_endian);
    REQUIRE(sockets);
    return *sockets;
}

// A listening socket on 127.0.0.1 made with `fsuid` as its owner (the kernel records the
// creator's file-system uid), so a test running as root can make one that is not root's.
class Listener {
public:
    explicit Listener(uid_t fsuid) {
        auto previous = static_cast<uid_t>(::setfsuid(fsuid));
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ::setfsuid(previous);
        sockaddr_in bound{};
        bound.sin_family = AF_INET;
        bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof bound;
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&bound), size); // NOLINT: sockaddr API
        ::listen(m_fd, 1);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&bound), &size); // NOLINT: sockaddr API
        m_port = ntohs(bound.sin_port);
    }
    ~Listener() { ::close(m_fd); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    std::uint16_t port() const { return m_port; }

private:
    int m_fd = -1;
    std::uint16_t m_port = 0;
};

} // namespace

TEST_CASE("--lms-address takes loopback addresses only", "[unit]") {
    CHECK(address("127.0.0.1").text == "127.0.0.1");
    CHECK(address("127.0.0.2").url_host() == "127.0.0.2");
    CHECK(address("127.255.255.254").family == AddressFamily::ipv4);
    CHECK(address("::1").url_host() == "[::1]");
    CHECK(address("[::1]").text == "::1");
    CHECK(address("0:0:0:0:0:0:0:1").text == "::1");
    for (const char* bad :
         {"10.0.0.1", "example.com", "localhost", "[::2]", "::2", "::", "0.0.0.0", "[127.0.0.1]",
          "127.1", "::ffff:127.0.0.1", "", "[", "[]", "128.0.0.1", "127.0.0.1:80", " 127.0.0.1"}) {
        INFO(bad);
        CHECK_FALSE(parse_loopback_address(bad));
    }
}

TEST_CASE("/proc/net/tcp lines: address words in host order, port, state, uid, inode", "[unit]") {
    auto sockets = v4(line("0100007F:3E80", "0A", 0, 4242) + line("00000000:0016", "0A", 65534, 7) +
                      line("0100007F:C350", "01", 1000, 0));
    REQUIRE(sockets.size() == 3);
    CHECK(sockets[0].local_address[0] == 127);
    CHECK(sockets[0].local_address[3] == 1);
    CHECK(sockets[0].local_port == 16000);
    CHECK(sockets[0].state == k_tcp_listen);
    CHECK(sockets[0].uid == 0);
    CHECK(sockets[0].inode == 4242);
    CHECK(sockets[1].uid == 65534);
    CHECK(sockets[1].local_port == 22);
    CHECK(sockets[2].state == 1);

    auto big = parse_proc_net_tcp(k_tcp_header + line("7F000001:3E80", "0A", 0, 1),
                                  AddressFamily::ipv4, WordOrder::big_endian);
    REQUIRE(big);
    CHECK(big->at(0).local_address[0] == 127);
    CHECK(big->at(0).local_address[3] == 1);

    auto six = v6(line("00000000000000000000000001000000:3E80", "0A", 0, 9) +
                  line("0000000000000000FFFF00000100007F:3E81", "0A", 5, 10));
    REQUIRE(six.size() == 2);
    CHECK(six[0].local_address[15] == 1);
    CHECK(six[0].local_address[0] == 0);
    CHECK(six[1].local_address[10] == 0xFF);
    CHECK(six[1].local_address[12] == 127);
    CHECK(six[1].local_port == 16001);
}

TEST_CASE("/proc/net/tcp text that is not the kernel's table is refused as a whole", "[unit]") {
    auto refused = [](const std::string& text, AddressFamily family = AddressFamily::ipv4) {
        return !parse_proc_net_tcp(text, family, WordOrder::little_endian).has_value();
    };
    CHECK(refused(""));
    CHECK(refused(line("0100007F:3E80", "0A", 0, 1))); // no header
    CHECK(refused(k_tcp_header + "   0: 0100007F:3E80 00000000:0000 0A\n"));
    CHECK(refused(k_tcp_header + line("0100007G:3E80", "0A", 0, 1)));
    CHECK(refused(k_tcp_header + line("0100007F:3E8", "0A", 0, 1)));
    CHECK(refused(k_tcp_header + line("0100007F:3E80", "0A", 0, 1) + "garbage\n"));
    CHECK(refused(k_tcp_header + line("0100007F:13E80", "0A", 0, 1)));
    CHECK(refused(k_tcp_header + line("0100007F:3E80", "A", 0, 1)));
    CHECK(refused(k_tcp_header + line("0100007F:3E80", "0A", 0, 1), AddressFamily::ipv6));
    std::string negative = line("0100007F:3E80", "0A", 0, 1);
    negative.replace(negative.find(" 0        0 "), 3, " -1");
    CHECK(refused(k_tcp_header + negative));
    CHECK_FALSE(refused(k_tcp_header)); // no sockets at all is a valid table
    // A time-wait socket prints fewer trailing columns.
    CHECK_FALSE(refused(k_tcp_header + "   1: 0100007F:3E80 0100007F:9C40 06 00000000:00000000 "
                                       "03:00001770 00000000     0        0 0 3 "
                                       "0000000000000000\n"));
}

TEST_CASE("a listener is trusted as LMS only when every socket that can answer is root's",
          "[unit]") {
    auto lo = address("127.0.0.1");
    auto root_listens = v4(line("0100007F:3E70", "0A", 0, 11));
    auto check = judge_listeners(root_listens, lo, 15984);
    CHECK(check.trusted());
    CHECK(check.owner_uid == 0u);
    CHECK_THAT(check.detail, Catch::Contains("belongs to root") && Catch::Contains("inode 11"));

    auto nobody = judge_listeners(v4(line("0100007F:3E70", "0A", 65534, 12)), lo, 15984);
    CHECK(nobody.verdict == LmsVerdict::not_root);
    CHECK(nobody.owner_uid == 65534u);
    CHECK_THAT(nobody.detail, Catch::Contains("uid 65534, not root") &&
                                  Catch::Contains("/proc/net/tcp") &&
                                  Catch::Contains("not Intel LMS"));

    // The wildcard address, and IPv6 sockets that take IPv4, answer 127.0.0.1 as well.
    CHECK(judge_listeners(v4(line("00000000:3E70", "0A", 7, 1)), lo, 15984).verdict ==
          LmsVerdict::not_root);
    CHECK(
        judge_listeners(v6(line(std::string(32, '0') + ":3E70", "0A", 7, 1)), lo, 15984).verdict ==
        LmsVerdict::not_root);
    CHECK(judge_listeners(v6(line("0000000000000000FFFF00000100007F:3E70", "0A", 7, 1)), lo, 15984)
              .verdict == LmsVerdict::not_root);
    // Root's socket on the address does not vouch for another user's wildcard socket.
    auto both = root_listens;
    auto other = v4(line("00000000:3E70", "0A", 1000, 13));
    both.insert(both.end(), other.begin(), other.end());
    CHECK(judge_listeners(both, lo, 15984).verdict == LmsVerdict::not_root);

    // Not listening there: another port, another loopback address, a connection, IPv4 for ::1.
    for (const auto& sockets :
         {v4(line("0100007F:3E71", "0A", 7, 1)), v4(line("0200007F:3E70", "0A", 7, 1)),
          v4(line("0100007F:3E70", "01", 7, 1)), v4(line("00000000:3E70", "0A", 7, 1))}) {
        auto none =
            judge_listeners(sockets, sockets[0].local_address[0] == 0 ? address("::1") : lo, 15984);
        CHECK(none.verdict == LmsVerdict::not_listening);
        CHECK_FALSE(none.owner_uid);
    }
    auto ipv6 = judge_listeners(v6(line("00000000000000000000000001000000:3E70", "0A", 0, 3)),
                                address("[::1]"), 15984);
    CHECK(ipv6.trusted());
    CHECK_THAT(ipv6.detail, Catch::Contains("[::1]:15984") && Catch::Contains("/proc/net/tcp6"));
}

TEST_CASE("the owner check reads this machine's /proc/net/tcp without connecting", "[unit]") {
    auto lo = address("127.0.0.1");
    CHECK(check_lms_owner(lo, amtcfg::test::closed_port()).verdict == LmsVerdict::not_listening);
    Listener mine(::geteuid());
    auto check = check_lms_owner(lo, mine.port());
    if (::geteuid() == 0) {
        CHECK(check.trusted());
        CHECK(check_lms(lo, mine.port(), 1000).trusted()); // and it accepts
        Listener nobody(65534);                            // made by root with fsuid nobody
        auto squatter = check_lms(lo, nobody.port(), 1000);
        CHECK(squatter.verdict == LmsVerdict::not_root);
        CHECK(squatter.owner_uid == 65534u);
    } else {
        CHECK(check.verdict == LmsVerdict::not_root);
        CHECK(check.owner_uid == ::geteuid());
    }
}
