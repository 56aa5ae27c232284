// Tests of transport selection and of HTTP over the APF tunnel (libcurl + ChannelStream +
// Session) against the scripted fake LME client answering like AMT's web server.
#include "amtcfg/flows/amt_link.hpp"
#include "amtcfg/http/amt_trust.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/loopback.hpp"
#include "unit/apf/fake_lme.hpp"
#include "unit/http/amt_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::flows;
using amtcfg::apf::testing::FakeAmt;
using amtcfg::apf::testing::FakeDevice;
using amtcfg::test::closed_port;
using amtcfg::testing::AmtHttp;
using amtcfg::testing::LoopbackServer;

namespace {

// AMT behind the fake LME client: its web server answers each complete request.
void serve_http(FakeAmt& lme, AmtHttp& http) {
    lme.respond = [&lme, &http](const std::string& request) {
        std::string buffer = request;
        bool close = false;
        auto response = http.answer_one(buffer, close);
        lme.close_after_response = close;
        return response.value_or(std::string());
    };
}

// A checker that answers `verdict` and records the ports it was asked about.
LmsChecker checker(http::LmsVerdict verdict, std::vector<std::uint16_t>& asked) {
    return [verdict, &asked](const http::LoopbackAddress&, std::uint16_t port, int) {
        asked.push_back(port);
        http::LmsCheck check;
        check.verdict = verdict;
        check.owner_uid = verdict == http::LmsVerdict::trusted ? 0u : 65534u;
        check.detail = verdict == http::LmsVerdict::trusted ? "owned by root" : "uid 65534 owns it";
        return check;
    };
}

struct Fixture {
    FakeAmt lme;
    FakeDevice device{lme};
    AmtHttp http;
    Log log;
    Deadline deadline;
    Fixture() { serve_http(lme, http); }
};

} // namespace

TEST_CASE("WS-Man over LME: digest, chunked answers, one handshake per channel AMT closes",
          "[unit]") {
    Fixture f;
    TransportOptions options;
    options.mode = TransportMode::lme;
    AmtLink link(f.device, options, f.log, f.deadline);
    {
        auto client = link.client({"admin", Secret(f.http.password)});
        for (int i = 0; i < 3; ++i) {
            http::Response response = client->post("/wsman", "<Envelope>" + std::to_string(i));
            CHECK(response.status == 200);
            CHECK(response.body == f.http.answer);
        }
    }
    CHECK(link.path() == TransportPath::lme);
    CHECK(f.http.challenges == 1);
    CHECK(f.http.authorized == 3);
    // The 401 closes its channel (and with it the session); the answers keep theirs open.
    REQUIRE(link.apf_stats() != nullptr);
    CHECK(link.apf_stats()->handshakes == 2);
    CHECK(link.apf_stats()->channels == 2);
    // The client's end closed its channel politely.
    CHECK(f.lme.sent_by_host<apf::ChannelClose>().size() == 1);
}

TEST_CASE("over LME large answers are credited and large requests honour AMT's window", "[unit]") {
    Fixture f;
    f.lme.amt_window = 300;
    f.http.answer = std::string(50'000, 'a');
    f.http.chunk_size = 0x2FA;
    TransportOptions options;
    options.mode = TransportMode::lme;
    AmtLink link(f.device, options, f.log, f.deadline);
    auto client = link.client({"admin", Secret(f.http.password)});
    std::string body(20'000, 'q');
    http::Response response = client->post("/wsman", body);
    CHECK(response.status == 200);
    CHECK(response.body == f.http.answer);
    CHECK(f.http.bodies.at(0) == body);
    CHECK(f.lme.window_violations == 0);
    for (const auto& data : f.lme.sent_by_host<apf::ChannelData>()) {
        CHECK(data.data.size() <= 300);
    }
}

TEST_CASE("when AMT closes every channel each request gets a fresh session", "[unit]") {
    Fixture f;
    f.lme.respond = [&f](const std::string& request) {
        std::string buffer = request;
        bool close = false;
        auto response = f.http.answer_one(buffer, close);
        f.lme.close_after_response = true;
        return response.value_or(std::string());
    };
    TransportOptions options;
    options.mode = TransportMode::lme;
    AmtLink link(f.device, options, f.log, f.deadline);
    auto client = link.client({"admin", Secret(f.http.password)});
    for (int i = 0; i < 3; ++i) {
        CHECK(client->post("/wsman", "<Envelope/>").status == 200);
    }
    CHECK(f.http.authorized == 3);
    CHECK(link.apf_stats()->handshakes == 4); // the challenge plus one per answer
    CHECK(f.lme.window_violations == 0);
}

TEST_CASE("auto uses LMS when root's listener accepts, else LME at once", "[unit]") {
    Fixture f;
    std::vector<std::uint16_t> asked;
    SECTION("LMS listens") {
        AmtHttp lms;
        LoopbackServer server(lms);
        TransportOptions options;
        options.lms_port = server.port();
        options.check_lms = checker(http::LmsVerdict::trusted, asked);
        AmtLink link(f.device, options, f.log, f.deadline);
        CHECK(link.client({"admin", Secret(lms.password)})->post("/wsman", "x").status == 200);
        CHECK(link.path() == TransportPath::lms);
        CHECK(asked == std::vector<std::uint16_t>{server.port()});
        CHECK(f.lme.connects == 0);
        CHECK(link.apf_stats() == nullptr);
    }
    SECTION("nothing listens (the real check: /proc/net/tcp)") {
        TransportOptions options;
        options.lms_port = closed_port();
        AmtLink link(f.device, options, f.log, f.deadline);
        CHECK(link.client({"admin", Secret(f.http.password)})->post("/wsman", "x").status == 200);
        CHECK(link.path() == TransportPath::lme);
        CHECK(f.lme.connects >= 1);
    }
}

TEST_CASE("a listener that is not root's is never connected to: auto takes LME, lms fails",
          "[unit]") {
    Fixture f;
    AmtHttp impostor;
    LoopbackServer server(impostor);
    std::vector<std::uint16_t> asked;
    TransportOptions options;
    options.lms_port = server.port();
    options.check_lms = checker(http::LmsVerdict::not_root, asked);
    SECTION("auto") {
        AmtLink link(f.device, options, f.log, f.deadline);
        CHECK(link.client({"admin", Secret(f.http.password)})->post("/wsman", "x").status == 200);
        CHECK(link.path() == TransportPath::lme);
        CHECK(f.http.authorized == 1);
    }
    SECTION("lms") {
        options.mode = TransportMode::lms;
        AmtLink link(f.device, options, f.log, f.deadline);
        try {
            link.client({"admin", Secret("x")});
            FAIL("no error");
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::wsman_unreachable);
            CHECK_THAT(error.what(),
                       Catch::Contains("--transport lms") && Catch::Contains("uid 65534 owns it"));
        }
        CHECK(f.lme.connects == 0);
    }
    CHECK(asked.size() == 1);
    CHECK(server.connections() == 0);
    CHECK(impostor.challenges == 0);
}

TEST_CASE("when both paths fail the error gives both reasons", "[unit]") {
    Fixture f;
    f.lme.silent = true;
    TransportOptions options;
    options.lms_port = closed_port();
    AmtLink link(f.device, options, f.log, f.deadline);
    auto client = link.client({"admin", Secret(f.http.password)});
    try {
        client->post("/wsman", "x");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::wsman_unreachable);
        CHECK_THAT(error.what(), Catch::Contains("nothing listens") &&
                                     Catch::Contains("LME (APF channel to port 16992)") &&
                                     Catch::Contains("APF handshake"));
    }
}

TEST_CASE("in auto mode an LME client that is busy or absent is exit 20 with both reasons",
          "[unit]") {
    class BusyDevice : public mei::Device {
    public:
        std::unique_ptr<mei::Transport> connect(const mei::ClientGuid&) override {
            throw Error(ErrorCategory::device_busy, "the LME client is busy");
        }
        std::string_view path() const override { return "/dev/busy"; }
    };
    BusyDevice device;
    Log log;
    Deadline deadline;
    TransportOptions options;
    options.lms_port = closed_port();
    AmtLink link(device, options, log, deadline);
    try {
        link.client({"admin", Secret("x")})->post("/wsman", "x");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::wsman_unreachable);
        CHECK_THAT(error.what(),
                   Catch::Contains("nothing listens") && Catch::Contains("the LME client is busy"));
    }
}

TEST_CASE("forced LMS reports only LMS; unknown transports are usage errors", "[unit]") {
    Fixture f;
    TransportOptions options;
    options.mode = TransportMode::lms;
    options.lms_port = closed_port();
    AmtLink link(f.device, options, f.log, f.deadline);
    CHECK_THROWS_WITH(link.client({"admin", Secret("x")})->post("/wsman", "x"),
                      Catch::Contains("LMS at 127.0.0.1") && !Catch::Contains("LME"));
    CHECK(f.lme.connects == 0);
    CHECK(parse_transport_mode("lme") == TransportMode::lme);
    CHECK_THROWS_AS(parse_transport_mode("tcp"), Error);
}

TEST_CASE("after use_tls the link asks about LMS on 16993 and opens APF channels to 16993",
          "[unit]") {
    Fixture f;
    f.lme.ports = {apf::k_port_https, apf::k_port_asf_rmcp_secure};
    // AMT answers in plain HTTP: the client's TLS handshake fails on it, and the failure stays
    // a TLS failure (exit 22) after auto passed LMS by.
    f.lme.respond = [](const std::string&) {
        return std::string("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    };
    std::vector<std::uint16_t> asked;
    TransportOptions options;
    options.check_lms = checker(http::LmsVerdict::not_root, asked);
    AmtLink link(f.device, options, f.log, f.deadline);
    link.use_tls(std::make_shared<http::TlsContext>(http::first_use_trust("this test")));
    auto client = link.client({"admin", Secret(f.http.password)});
    try {
        client->post("/wsman", "x");
        FAIL("a plain HTTP answer passed for TLS");
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(e.category() == ErrorCategory::tls_failed);
    }
    CHECK(asked == std::vector<std::uint16_t>{apf::k_port_https});
    auto opens = f.lme.sent_by_host<apf::ChannelOpen>();
    REQUIRE_FALSE(opens.empty());
    CHECK(opens.front().connected_port == apf::k_port_https);
}
