// Whom amtcfg talks to: a listener on the LMS port that is not root's gets nothing; loopback only.
#include "background.hpp"
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};

// What an unprivileged local user can run when Intel LMS is not running: a listener on a
// loopback port that appends every byte it receives to `received` and a line per connection
// to `connections`. It answers nothing, so a client that did talk to it would hang there.
const std::string k_recorder = R"(
import os, socket, sys
d = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(d + "/port.tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(d + "/port.tmp", d + "/port")
with open(d + "/received", "ab", buffering=0) as out, open(d + "/connections", "a") as log:
    while True:
        c, _ = s.accept()
        log.write("connection\n")
        log.flush()
        while True:
            data = c.recv(65536)
            if not data:
                break
            out.write(data)
        c.close()
)";

// The recorder, run as nobody:nogroup in its own directory (which nobody owns).
class FakeLms {
public:
    FakeLms() : m_dir(m_root.file("lms")) {
        REQUIRE(::chmod(m_root.path().c_str(), 0711) == 0); // mkdtemp made it 0700
        REQUIRE(::mkdir(m_dir.c_str(), 0755) == 0);
        REQUIRE(::chown(m_dir.c_str(), 65534, 65534) == 0);
        m_process = std::make_unique<Background>(std::vector<std::string>{
            "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/python3",
            "-I", "-c", k_recorder, m_dir});
        std::string port_file = m_dir + "/port";
        bool listening = m_process->wait_until(
            m_dir, [&] { return !file_content(port_file).empty(); }, std::chrono::seconds(20));
        INFO(m_process->err());
        REQUIRE(listening);
        m_port = file_content(port_file);
    }
    const std::string& port() const { return m_port; }
    std::string received() const { return file_content(m_dir + "/received"); }
    std::string connections() const { return file_content(m_dir + "/connections"); }
    std::string err() const { return m_process->err(); }

private:
    TempDir m_root;
    std::string m_dir;
    std::unique_ptr<Background> m_process;
    std::string m_port;
};

const std::string k_features = "  <general ping-response=\"true\"/>\n"
                               "  <network dhcp=\"true\" ip-sync=\"true\"/>\n";

} // namespace

TEST_CASE("a listener on the LMS port that is not root's gets no byte; amtcfg uses LME", "[cli]") {
    REQUIRE(::geteuid() == 0); // the tests run as root, as amtcfg does; setpriv needs it
    FakeLms fake;
    INFO("fake LMS on 127.0.0.1:" << fake.port() << "; " << fake.err());
    std::map<std::string, std::string> env = k_env;
    env["AMTCFG_LMS_PORT"] = fake.port();
    SimDevice device; // no --lms: the only listener on the port is the fake
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", k_features));

    auto configure = device.amtcfg(
        {"-v", "--timeout", "60s", "--json", "configure", "--profile", profile}, {}, env);
    INFO(configure.err);
    CHECK(configure.status == 0);
    // Said at -v (here a warning: someone holds the port), with how it was decided.
    CHECK_THAT(configure.err, Catch::Contains("not using LMS at 127.0.0.1:" + fake.port()) &&
                                  Catch::Contains("belongs to uid 65534, not root") &&
                                  Catch::Contains("/proc/net/tcp") && Catch::Contains("over LME"));

    auto info =
        device.amtcfg({"--timeout", "60s", "--json", "info", "--password", "env:AMT_PW"}, {}, env);
    INFO(info.err);
    CHECK(info.status == 0);
    CHECK(info.json()["configuration"]["hostname"].is_string());
    CHECK(info.json()["transport"]["lms"] == false);
    CHECK(info.json()["transport"]["lme"] == true);
    CHECK(info.json()["transport"]["lms_listener_uid"] == 65534);

    auto maintain = device.amtcfg(
        {"--timeout", "60s", "--json", "maintain", "--auto", "--password", "env:AMT_PW"}, {}, env);
    INFO(maintain.err);
    CHECK(maintain.status == 0);

    auto text = device.amtcfg({"info"}, {}, env);
    CHECK_THAT(text.out, Catch::Contains("not trusted: the listener belongs to uid 65534"));

    // --transport lms against it: exit 20, with the reason, and still nothing sent.
    auto forced =
        device.amtcfg({"--transport", "lms", "info", "--password", "env:AMT_PW"}, {}, env);
    CHECK(forced.status == 20);
    CHECK_THAT(forced.err, Catch::Contains("--transport lms") &&
                               Catch::Contains("belongs to uid 65534, not root"));

    // amtcfg decides from /proc/net/tcp alone: the fake never even saw a connection, so it
    // cannot have received an Authorization header or a SOAP body.
    CHECK(fake.connections().empty());
    CHECK(fake.received().empty());
    CHECK(fake.received().find("Authorization") == std::string::npos);
    CHECK(fake.received().find("Envelope") == std::string::npos);
}

TEST_CASE("the simulated LMS, inside the root-run amtcfg, is trusted and used", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    auto r = device.amtcfg({"-v", "configure", "--profile", profile}, {"--lms"}, k_env);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.err, Catch::Contains("transport: using LMS at 127.0.0.1:") &&
                          Catch::Contains("belongs to root"));
}

TEST_CASE("--lms-address takes loopback addresses only", "[cli]") {
    SimDevice device;
    for (const char* bad : {"10.0.0.1", "example.com", "[::2]", "::ffff:10.0.0.1", "localhost"}) {
        INFO(bad);
        auto r = device.amtcfg({"--lms-address", bad, "info"});
        CHECK(r.status == 2);
        CHECK_THAT(r.err, Catch::Contains("is not a loopback address"));
    }
    // Accepted: loopback addresses, IPv6 in brackets or not; nothing listens there.
    for (const char* good : {"127.0.0.2", "[::1]", "::1"}) {
        INFO(good);
        auto r = device.amtcfg({"--json", "--lms-address", good, "info"});
        CHECK(r.status == 0);
        CHECK(r.json()["transport"]["lms"] == false);
    }
    auto text = device.amtcfg({"--lms-address", "[::1]", "--lms-port", "4242", "info"});
    CHECK_THAT(text.out, Catch::Contains("not running ([::1]:4242)"));
}
