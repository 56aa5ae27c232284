// The firmware's APF strictness (apf-lme.md sections 2, 4.5, 5 and 7) and the APF faults.
#include "apf/apf_session.hpp"
#include "apf_host.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::sim;
using namespace amtcfg::sim::apf;
using namespace amtcfg::sim::apf::test_host;

namespace {

WsmanFaults apf_faults(std::string_view specs) {
    return wsman_faults(FaultList::parse(specs), 0);
}

std::string get_request() {
    return test::http_post(
        test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), ""));
}

std::vector<std::uint8_t> types_of(const std::vector<Bytes>& messages) {
    std::vector<std::uint8_t> types;
    for (const auto& message : messages) {
        types.push_back(message.at(0));
    }
    return types;
}

} // namespace

TEST_CASE("the session is gone after the firmware's CHANNEL_CLOSE, without the host's close",
          "[unit][sim]") {
    Firmware fw;
    fw.handshake();
    auto id = fw.open(4096);
    fw.session.receive(host_data(id, get_request()));
    bool closed = false;
    data_of(fw.take(), &closed);
    REQUIRE(closed);
    CHECK(fw.session.phase() == Phase::idle);
    fw.session.receive(host_open(2, 4096, 16992)); // no new handshake: refused
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {2, 1, 0, 0})});
    fw.session.receive(host_data(id, get_request())); // the old channel is gone as well
    CHECK(fw.take().empty());
}

TEST_CASE("firmware channel numbers differ from the host's and only they address a channel",
          "[unit][sim]") {
    Firmware fw;
    fw.handshake();
    auto id = fw.open(4096);
    CHECK(id != 1);
    CHECK(id >= k_first_firmware_channel);
    fw.session.receive(host_data(1, get_request())); // the host's own number: not a channel
    CHECK(fw.take().empty());
    fw.session.receive(host_data(id, get_request()));
    CHECK_FALSE(data_of(fw.take()).empty());
}

TEST_CASE("the firmware's receive window is accounted over the channel's life", "[unit][sim]") {
    Firmware fw;
    fw.handshake();
    auto id = fw.open(4096);
    std::string part(1500, 'x');
    std::string first = "POST /wsman HTTP/1.1\r\nX-Pad: ";
    first.resize(part.size(), 'x');
    fw.session.receive(host_data(id, first));
    CHECK(fw.take().empty()); // less than half the window used: no credit yet
    fw.session.receive(host_data(id, part));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(93, {1, 3000})}); // both messages credited
    SECTION("a host that waits for WINDOW_ADJUST may send the window again") {
        fw.session.receive(host_data(id, std::string(2000, 'y')));
        CHECK(fw.take().empty());
        CHECK(fw.session.phase() == Phase::ready);
    }
    SECTION("two messages that together exceed the window end the session") {
        fw.session.receive(host_data(id, std::string(2000, 'y')));
        fw.session.receive(host_data(id, std::string(2100, 'z')));
        CHECK(fw.session.phase() == Phase::idle);
        CHECK(fw.session.open_channels() == 0);
    }
}

TEST_CASE("PROTOCOL_VERSION other than 1.0 is refused with DISCONNECT reason 8", "[unit][sim]") {
    Firmware fw;
    auto version = GENERATE(std::pair{2U, 0U}, std::pair{1U, 1U}, std::pair{0U, 9U});
    ByteWriter writer;
    writer.u8(192).u32be(version.first).u32be(version.second).u32be(9).zeros(16 + 64);
    fw.session.receive(writer.take());
    CHECK(fw.take() == std::vector<Bytes>{Bytes{1, 0, 0, 0, 8, 0, 0}});
    CHECK(fw.session.phase() == Phase::idle);
    CHECK(fw.service.stats().apf_handshakes == 0);
}

TEST_CASE("a message with bytes after its last field drops the session unanswered", "[unit][sim]") {
    SECTION("PROTOCOL_VERSION") {
        Firmware fw;
        auto version = host_version();
        version.push_back(0);
        fw.session.receive(version);
        CHECK(fw.take().empty());
        CHECK(fw.session.phase() == Phase::idle);
    }
    SECTION("CHANNEL_DATA") {
        Firmware fw;
        fw.handshake();
        auto id = fw.open(4096);
        auto data = host_data(id, get_request());
        data.push_back('!');
        fw.session.receive(data);
        CHECK(fw.take().empty());
        CHECK(fw.session.open_channels() == 0);
    }
    SECTION("CHANNEL_OPEN") {
        Firmware fw;
        fw.handshake();
        auto open = host_open(1, 4096, 16992);
        open.push_back(0);
        fw.session.receive(open);
        CHECK(fw.take().empty());
        CHECK(fw.session.phase() == Phase::idle);
    }
}

TEST_CASE("apf-open-failure*1 refuses one CHANNEL_OPEN with reason 4, then channels open",
          "[unit][sim]") {
    Firmware fw(apf_faults("apf-open-failure*1"));
    fw.handshake();
    fw.session.receive(host_open(1, 4096, 16992));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {1, 4, 0, 0})});
    fw.open(4096);
}

TEST_CASE("apf-early-close closes the channel halfway through the response", "[unit][sim]") {
    Firmware fw(apf_faults("apf-early-close"));
    fw.handshake();
    auto id = fw.open(4096);
    fw.session.receive(host_data(id, get_request()));
    bool closed = false;
    auto response = test::read_response(data_of(fw.take(), &closed));
    CHECK_FALSE(response.complete);
    CHECK(closed);
    CHECK(fw.session.phase() == Phase::idle);
}

TEST_CASE("apf-stall swallows the request and answers nothing more", "[unit][sim]") {
    Firmware fw(apf_faults("apf-stall"));
    fw.handshake();
    auto id = fw.open(4096);
    fw.session.receive(host_data(id, get_request()));
    CHECK(fw.take().empty());
    CHECK(fw.session.stalled());
    fw.session.receive(host_u32s(93, {id, 4096}));
    fw.session.receive(host_version());
    CHECK(fw.take().empty());
}

TEST_CASE("apf-stall*1 stalls one LME connection; the next one works", "[unit][sim]") {
    auto faults = apf_faults("apf-stall*1");
    sim::test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service(model, faults, world.environment());
    auto options = session_options(model.snapshot());
    for (bool stalls : {true, false}) {
        std::vector<Bytes> sent;
        Session session{service, [&] { return options; },
                        [&](Bytes m) { sent.push_back(std::move(m)); }};
        session.receive(host_version());
        session.receive(host_string_message(Message::service_accept, k_pfwd_service));
        session.receive(host_u32s(81, {16992}));
        session.receive(host_open(1, 4096, 16992));
        REQUIRE(types_of(sent).back() == 91);
        ByteReader confirmation(sent.back());
        confirmation.skip(5, "type and recipient");
        auto id = confirmation.u32be("sender");
        sent.clear();
        session.receive(host_data(id, get_request()));
        CHECK(session.stalled() == stalls);
        CHECK(sent.empty() == stalls);
    }
}
