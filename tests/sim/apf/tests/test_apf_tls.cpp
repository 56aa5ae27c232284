// TLS over APF channels: a TLS-enforced device serves 16993 through the same TLS server as
// LMS, refuses 16992, and lets the host resume its session on the next channel.
#include "apf_host.hpp"

#include "../../wsman/tests/tls_client.hpp"

#include <openssl/ssl.h>

using namespace amtcfg;
using namespace amtcfg::sim;
using namespace amtcfg::sim::apf;
using namespace amtcfg::sim::apf::test_host;

namespace {

struct TlsFirmware : Firmware {
    TlsServer tls{service, test::sim_tls_dir().path()};

    TlsFirmware() {
        model.modify([](DeviceState& d) { d.tls_enforced = true; });
        options.tls_enforced = true;
        service.set_tls(&tls);
    }

    void tls_handshake() {
        session.receive(host_version());
        session.receive(host_string_message(Message::service_accept, k_pfwd_service));
        session.receive(host_u32s(81, {16993}));
        session.receive(host_u32s(81, {664}));
        REQUIRE(session.phase() == Phase::ready);
        take();
    }
};

// One APF channel to 16993 as the byte stream the TLS client talks to.
class ChannelStream : public StreamConnection {
public:
    explicit ChannelStream(TlsFirmware& fw) : m_fw(fw) {
        fw.tls_handshake();
        fw.session.receive(host_open(1, 1 << 20, 16993));
        auto replies = fw.take();
        REQUIRE(replies.size() == 1);
        REQUIRE(replies[0][0] == 91); // CHANNEL_OPEN_CONFIRMATION
        ByteReader reader(replies[0]);
        reader.u8("type");
        reader.u32be("recipient");
        m_id = reader.u32be("sender");
    }
    std::string receive(std::string_view bytes) override {
        m_fw.session.receive(host_data(m_id, bytes));
        return data_of(m_fw.take(), &m_closed);
    }
    bool closed() const override { return m_closed; }
    std::size_t responses() const override { return 0; }

private:
    TlsFirmware& m_fw;
    std::uint32_t m_id = 0;
    bool m_closed = false;
};

} // namespace

TEST_CASE("a TLS-enforced device serves TLS on 16993 over APF and refuses 16992",
          "[unit][sim][tls]") {
    TlsFirmware fw;
    fw.tls_handshake();
    fw.session.receive(host_open(7, 4096, 16992));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {7, 2, 0, 0})});

    test::TlsTestClient client(
        {test::sim_tls_dir().file("ondie-root.pem"), TLS1_2_VERSION, "", ""});
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    for (int i = 0; i < 2; ++i) {
        ChannelStream channel(fw);
        auto result = client.exchange(channel, test::http_post(soap));
        REQUIRE(result.handshake);
        CHECK(result.verify_result == X509_V_OK);
        CHECK(result.resumed == (i == 1)); // the next channel resumes the session
        CHECK(test::read_response(result.response).status == 401);
        CHECK(channel.closed()); // one response per channel, then CHANNEL_CLOSE
        CHECK(fw.session.phase() == Phase::idle);
    }
    CHECK(fw.service.stats().tls_full_handshakes == 1);
    CHECK(fw.service.stats().tls_resumed_handshakes == 1);
    CHECK(fw.service.stats().apf_channels == 2);
}

TEST_CASE("plain HTTP on an APF channel to 16993 is closed unanswered", "[unit][sim][tls]") {
    TlsFirmware fw;
    ChannelStream channel(fw);
    auto soap = test::envelope(sim::action::get, test::class_uri("AMT_GeneralSettings"), "");
    CHECK(channel.receive(test::http_post(soap)).empty());
    CHECK(channel.closed());
    CHECK(fw.service.stats().tls_refused_plain == 1);
}

TEST_CASE("without TLS material a TLS-enforced device refuses 16993 over APF", "[unit][sim][tls]") {
    Firmware fw;
    fw.model.modify([](DeviceState& d) { d.tls_enforced = true; });
    fw.options.tls_enforced = true;
    fw.session.receive(host_version());
    fw.session.receive(host_string_message(Message::service_accept, k_pfwd_service));
    fw.session.receive(host_u32s(81, {16993}));
    fw.session.receive(host_u32s(81, {664}));
    fw.take();
    fw.session.receive(host_open(3, 4096, 16993));
    CHECK(fw.take() == std::vector<Bytes>{host_u32s(92, {3, 2, 0, 0})});
}
