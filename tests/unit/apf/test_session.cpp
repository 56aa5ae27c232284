// Tests of the APF session against a scripted fake LME client that records what was sent.
#include "amtcfg/apf/session.hpp"
#include "amtcfg/util/error.hpp"

#include "fake_lme.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::apf;
using amtcfg::apf::testing::FakeAmt;
using amtcfg::apf::testing::FakeDevice;

namespace {

struct Fixture {
    FakeAmt amt;
    FakeDevice device{amt};
    Log log;
    Deadline deadline;
};

// Sends `request` within AMT's window, then collects `expected` response bytes, crediting each.
std::string exchange(Session& session, const std::string& request, std::size_t expected,
                     std::size_t* credited = nullptr) {
    ByteView rest = as_bytes(request);
    while (!rest.empty()) {
        if (session.send_budget() == 0) {
            session.receive_one("window");
            continue;
        }
        rest = rest.subspan(session.send(rest));
    }
    std::string response;
    while (response.size() < expected) {
        session.receive_one("response");
        Bytes got = session.take_received();
        response.append(got.begin(), got.end());
        session.credit(got.size());
        if (credited) {
            *credited += got.size();
        }
    }
    return response;
}

} // namespace

TEST_CASE("the handshake answers AMT as firmware expects and opens a channel", "[unit]") {
    Fixture f;
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);

    auto versions = f.amt.sent_by_host<ProtocolVersion>();
    REQUIRE(versions.size() == 1);
    CHECK(versions[0].major == 1);
    CHECK(versions[0].minor == 0);
    CHECK(f.amt.sent_by_host<ServiceAccept>().at(0).service == k_service_pfwd);
    auto successes = f.amt.sent_by_host<RequestSuccess>();
    REQUIRE(successes.size() == 1);
    CHECK(successes[0].port == std::optional<std::uint32_t>(k_port_http));
    auto opens = f.amt.sent_by_host<ChannelOpen>();
    REQUIRE(opens.size() == 1);
    CHECK(opens[0].connected_port == k_port_http);
    CHECK(opens[0].initial_window == 4096);
    CHECK(opens[0].sender_channel == 1);
    CHECK(session.channel_open());
    CHECK(session.stats().handshakes == 1);
    CHECK(session.stats().channels == 1);
}

TEST_CASE("the redirection port forward is refused and the handshake does not wait for it",
          "[unit]") {
    Fixture f;
    f.amt.ports = {k_port_asf_rmcp, k_port_http};
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    CHECK(f.amt.sent_by_host<RequestFailure>().size() == 1);
    CHECK(session.forwarded_ports() == std::vector<std::uint32_t>{623, 16992});
}

TEST_CASE("every received byte is credited, so a response larger than the window arrives",
          "[unit]") {
    Fixture f;
    std::string big(10'000, 'x');
    f.amt.respond = [&](const std::string& request) {
        return request.find("\r\n\r\n") != std::string::npos ? big : std::string();
    };
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    std::size_t credited = 0;
    CHECK(exchange(session, "POST / HTTP/1.1\r\n\r\n", big.size(), &credited) == big);
    std::size_t adjusted = 0;
    for (const auto& adjust : f.amt.sent_by_host<ChannelWindowAdjust>()) {
        adjusted += adjust.bytes_to_add;
    }
    CHECK(adjusted == big.size());
    CHECK(session.stats().bytes_received == big.size());
}

TEST_CASE("without credit AMT stalls after the host's initial window", "[unit]") {
    Fixture f;
    f.amt.respond = [](const std::string&) { return std::string(10'000, 'x'); };
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    session.send(as_bytes("GET"));
    std::size_t received = 0;
    // Read without crediting until AMT has nothing more to say.
    CHECK_THROWS_AS(
        [&] {
            for (;;) {
                session.receive_one("data");
                received += session.take_received().size();
            }
        }(),
        Error);
    CHECK(received == 4096);
}

TEST_CASE("the host never sends beyond a small AMT window", "[unit]") {
    Fixture f;
    f.amt.amt_window = 100;
    std::string request(1000, 'r');
    f.amt.respond = [&](const std::string& got) {
        return got.size() == request.size() ? std::string("ok") : std::string();
    };
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    CHECK(exchange(session, request, 2) == "ok");
    CHECK(f.amt.window_violations == 0);
    auto data = f.amt.sent_by_host<ChannelData>();
    CHECK(data.size() == 10);
    for (const auto& part : data) {
        CHECK(part.data.size() <= 100);
    }
}

TEST_CASE("CHANNEL_DATA never exceeds the LME client's message size", "[unit]") {
    FakeAmt amt;
    amt.amt_window = 100'000;
    FakeDevice device(amt, 512);
    Log log;
    Deadline deadline;
    Session session(device, log, deadline);
    session.open_channel(k_port_http);
    CHECK(session.send_budget() == 512 - k_channel_data_header_size);
}

TEST_CASE("AMT's close ends the session; the next channel re-handshakes on a new connection",
          "[unit]") {
    Fixture f;
    f.amt.respond = [](const std::string&) { return std::string("HTTP/1.1 401\r\n\r\n"); };
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    CHECK(exchange(session, "GET", 16) == "HTTP/1.1 401\r\n\r\n");
    while (!session.closed_by_amt()) {
        session.receive_one("close");
    }
    CHECK_FALSE(session.channel_open());
    session.open_channel(k_port_http);
    CHECK(session.channel_open());
    CHECK(f.amt.connects == 2);
    CHECK(session.stats().handshakes == 2);
    CHECK(session.stats().channels == 2);
    // The host did not answer the close on the dead session.
    CHECK(f.amt.sent_by_host<ChannelClose>().empty());
    CHECK(f.amt.sent_by_host<ChannelOpen>().back().sender_channel == 2);
}

TEST_CASE("a kept-alive channel carries several requests on one handshake", "[unit]") {
    Fixture f;
    f.amt.close_after_response = false;
    f.amt.respond = [](const std::string& request) {
        return request.size() >= 3 ? std::string("200") : std::string();
    };
    Session session(f.device, f.log, f.deadline);
    session.open_channel(k_port_http);
    for (int i = 0; i < 3; ++i) {
        CHECK(exchange(session, "GET", 3) == "200");
    }
    CHECK(session.stats().handshakes == 1);
    session.close_channel();
    REQUIRE(f.amt.sent_by_host<ChannelClose>().size() == 1);
    CHECK(f.amt.sent_by_host<ChannelClose>()[0].recipient_channel == 0x101);
    session.open_channel(k_port_http);
    CHECK(session.stats().handshakes == 2);
}

TEST_CASE("failures name what the host waited for", "[unit]") {
    Fixture f;
    SECTION("AMT refuses the channel") {
        f.amt.refuse_channels = true;
        Session session(f.device, f.log, f.deadline);
        CHECK_THROWS_WITH(session.open_channel(k_port_http),
                          Catch::Contains("refused a channel to port 16992: connect failed"));
    }
    SECTION("AMT stays silent") {
        f.amt.silent = true;
        Session session(f.device, f.log, f.deadline);
        try {
            session.open_channel(k_port_http);
            FAIL("no error");
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::wsman_unreachable);
            CHECK_THAT(error.what(), Catch::Contains("the APF handshake"));
        }
    }
    SECTION("AMT takes only TLS on its local ports") {
        f.amt.ports = {k_port_https, k_port_asf_rmcp_secure};
        Session session(f.device, f.log, f.deadline);
        CHECK(session.learn_forwarded_ports() ==
              std::vector<std::uint32_t>{k_port_https, k_port_asf_rmcp_secure});
        CHECK_THROWS_WITH(session.open_channel(k_port_http),
                          Catch::Contains("only port 16993") && Catch::Contains("only TLS"));
    }
    SECTION("the command's deadline has passed") {
        Deadline expired{std::chrono::milliseconds(0)};
        Session session(f.device, f.log, expired);
        try {
            session.open_channel(k_port_http);
            FAIL("no error");
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::timed_out);
        }
    }
}
