// The simulated firmware's APF side: handshake, forwards, channels, windows, close and drop.
#include "apf/apf_session.hpp"
#include "apf_host.hpp"

#include "../../wsman/tests/support.hpp"
#include "wsman/digest.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::sim;
using namespace amtcfg::sim::apf;

using namespace amtcfg::sim::apf::test_host;

TEST_CASE("APF handshake: version 1.0/254 with the UUID, pfwd service, two forwards",
          "[unit][sim]") {
    Firmware fw;
    fw.session.receive(host_version());
    auto replies = fw.take();
    REQUIRE(replies.size() == 2);
    REQUIRE(replies[0].size() == k_protocol_version_size);
    ByteReader version(replies[0]);
    CHECK(version.u8("type") == 192);
    CHECK(version.u32be("major") == 1);
    CHECK(version.u32be("minor") == 0);
    CHECK(version.u32be("trigger") == 254);
    auto uuid = version.bytes(16, "uuid");
    CHECK(std::equal(uuid.begin(), uuid.end(), fw.options.uuid.begin()));
    CHECK(replies[1] == host_string_message(Message::service_request, k_pfwd_service));
    fw.session.receive(host_version()); // the host's echo is not answered again
    CHECK(fw.take().empty());
    fw.session.receive(host_string_message(Message::service_accept, k_pfwd_service));
    auto forward = fw.take();
    REQUIRE(forward.size() == 1);
    ByteReader request(forward[0]);
    CHECK(request.u8("type") == 80);
    CHECK(read_string(request, "name") == "tcpip-forward");
    CHECK(request.u8("want reply") == 1);
    read_string(request, "address");
    CHECK(request.u32be("port") == 16992);
    fw.session.receive(host_u32s(81, {16992}));
    auto second = fw.take();
    REQUIRE(second.size() == 1);
    CHECK(ByteReader(ByteView(second[0]).subspan(second[0].size() - 4)).u32be("port") == 623);
    fw.session.receive(Bytes{82});
    CHECK(fw.session.phase() == Phase::ready);
    CHECK(fw.service.stats().apf_handshakes == 1);
}

TEST_CASE("a TLS-enforced device advertises 16993 and 664", "[unit][sim]") {
    Firmware fw;
    fw.options.tls_enforced = true;
    fw.session.receive(host_version());
    fw.session.receive(host_string_message(Message::service_accept, k_pfwd_service));
    auto forward = fw.take();
    CHECK(ByteReader(ByteView(forward.back()).subspan(forward.back().size() - 4)).u32be("p") ==
          16993);
    fw.session.receive(host_u32s(81, {16993}));
    forward = fw.take();
    CHECK(ByteReader(ByteView(forward.back()).subspan(forward.back().size() - 4)).u32be("p") ==
          664);
}

TEST_CASE("channel opens fail before the handshake, to closed ports and of unknown types",
          "[unit][sim]") {
    Firmware fw;
    fw.session.receive(host_open(7, 4096, 16992));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {7, 1, 0, 0})});
    fw.handshake();
    fw.session.receive(host_open(8, 4096, 16993));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {8, 2, 0, 0})});
    fw.session.receive(host_open(9, 4096, 623));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {9, 2, 0, 0})});
    fw.session.receive(host_open(10, 4096, 16992, "session"));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {10, 3, 0, 0})});
}

TEST_CASE("one HTTP exchange per channel; the host's close drops the session", "[unit][sim]") {
    Firmware fw;
    fw.handshake();
    auto id = fw.open(4096);
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    fw.session.receive(host_data(id, test::http_post(soap)));
    bool closed = false;
    auto replies = fw.take();
    CHECK(replies.front()[0] == 94); // answered at once: no WINDOW_ADJUST for a short request
    auto response = test::read_response(data_of(replies, &closed));
    CHECK(response.status == 401);
    CHECK(closed);
    CHECK(fw.session.phase() == Phase::idle); // gone with the firmware's own close
    fw.session.receive(host_u32s(97, {id}));
    CHECK(fw.take().empty()); // the firmware had closed already
    CHECK(fw.session.phase() == Phase::idle);
    CHECK(fw.session.open_channels() == 0);
    fw.session.receive(host_open(2, 4096, 16992));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {2, 1, 0, 0})}); // handshake again first
}

TEST_CASE("an authenticated chunked request over APF gets the SOAP answer", "[unit][sim]") {
    Firmware fw;
    test::DigestClient lsa(fw.service, "$$OsAdmin", default_device().lsa_password);
    REQUIRE(lsa.get("AMT_GeneralSettings").status == 200); // learn realm and nonce
    fw.handshake();
    auto id = fw.open(4096);
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    char size[16];
    std::snprintf(size, sizeof size, "%zx", soap.size());
    std::string request = "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1:16992\r\nAuthorization: " +
                          lsa.authorization(lsa.nonce) + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                          size + "\r\n" + soap + "\r\n0\r\n\r\n";
    fw.session.receive(host_data(id, request.substr(0, 100))); // split over two messages
    fw.session.receive(host_data(id, request.substr(100)));
    bool closed = false;
    auto response = test::read_response(data_of(fw.take(), &closed));
    CHECK(response.status == 200);
    CHECK(test::element_text(response.body, "DigestRealm") == default_device().realm);
    CHECK(closed);
}

TEST_CASE("the firmware stalls at the host's window until WINDOW_ADJUST", "[unit][sim]") {
    Firmware fw;
    fw.options.max_message = 64;
    fw.handshake();
    auto id = fw.open(100);
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    fw.session.receive(host_data(id, test::http_post(soap)));
    bool closed = false;
    auto first = fw.take();
    CHECK(data_of(first, &closed).size() == 100);
    CHECK_FALSE(closed);
    for (const auto& message : first) {
        CHECK(message.size() <= 64);
    }
    fw.session.receive(host_u32s(93, {id, 1000000}));
    auto rest = fw.take();
    auto whole = data_of(first) + data_of(rest, &closed);
    CHECK(test::read_response(whole).status == 401);
    CHECK(test::read_response(whole).complete);
    CHECK(closed);
}

TEST_CASE("a host overrunning the firmware's window loses the session", "[unit][sim]") {
    Firmware fw;
    fw.options.receive_window = 10;
    fw.handshake();
    auto id = fw.open(4096);
    fw.session.receive(host_data(id, "POST /wsman HTTP/1.1\r\n"));
    CHECK(fw.session.phase() == Phase::idle);
    CHECK(fw.session.open_channels() == 0);
}

TEST_CASE("malformed APF messages drop the session without an answer", "[unit][sim]") {
    Firmware fw;
    fw.handshake();
    fw.session.receive(Bytes{90, 0, 0});
    CHECK(fw.take().empty());
    CHECK(fw.session.phase() == Phase::idle);
    fw.session.receive(Bytes{});
    CHECK(fw.take().empty());
}

TEST_CASE("a channel opens once 16992 is forwarded, before the redirection forward is answered",
          "[unit][sim]") {
    Firmware fw;
    fw.session.receive(host_version());
    fw.session.receive(host_string_message(Message::service_accept, k_pfwd_service));
    fw.session.receive(host_open(3, 4096, 16992));
    CHECK(fw.take().back() == host_u32s(92, {3, 2, 0, 0})); // 16992 not forwarded yet
    fw.session.receive(host_u32s(81, {16992}));
    fw.take();
    fw.session.receive(host_open(4, 4096, 16992));
    auto replies = fw.take();
    REQUIRE(replies.size() == 1);
    CHECK(replies[0][0] == 91);
    CHECK(fw.session.phase() == Phase::forwarding);
}

TEST_CASE("wsman-drop over APF: part of the response, then the firmware closes", "[unit][sim]") {
    WsmanFaults faults;
    faults.drop.insert("AMT_GeneralSettings.Get");
    faults.digest_stale = true;
    Firmware fw(faults);
    test::DigestClient lsa(fw.service, "$$OsAdmin", default_device().lsa_password);
    REQUIRE(lsa.get("IPS_HostBasedSetupService").status == 200); // through the stale nonce
    REQUIRE(lsa.last_stale == "true");
    fw.handshake();
    auto id = fw.open(4096);
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    fw.session.receive(host_data(id, test::http_post(soap, lsa.authorization(lsa.nonce))));
    bool closed = false;
    auto response = test::read_response(data_of(fw.take(), &closed));
    CHECK(response.status == 200);
    CHECK_FALSE(response.complete);
    CHECK(closed);
}
