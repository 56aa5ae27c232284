// APF after TLS configuration (CommitChanges): a device that does not enforce TLS forwards
// 16993 and 664 besides 16992 and 623 and serves the configured certificate on 16993; with
// the LMS TLS setting enabled only the TLS ports are forwarded and 16992 is refused.
#include "apf_host.hpp"

#include "../../wsman/tests/pki.hpp"
#include "../../wsman/tests/tls_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>

using namespace amtcfg;
using namespace amtcfg::sim;
using namespace amtcfg::sim::apf;
using namespace amtcfg::sim::apf::test_host;

namespace {

const std::string k_password = "P@ssw0rd!";

std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An activated AMT 16 (no TLS enforcement, no TLS files) whose sessions read the device's
// options at each start, as the preload library's do.
struct Configured {
    sim::test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service{model, {}, [this] {
                             auto environment = world.environment();
                             environment.now = real_now; // certificates dated from now
                             return environment;
                         }()};
    TlsServer tls{service, ""};
    std::vector<Bytes> sent;
    Session session{service, [this] { return model.read(session_options); },
                    [this](Bytes m) { sent.push_back(std::move(m)); }};
    sim::test::DigestClient admin{service, "admin", k_password};

    Configured() {
        service.set_tls(&tls);
        model.modify([](DeviceState& s) {
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = k_password;
        });
    }
    std::vector<Bytes> take() { return std::exchange(sent, {}); }

    // A new session's start (the last one is dropped with DISCONNECT): the ports the firmware
    // asks the host to forward, each accepted.
    std::vector<std::uint32_t> forwarded_ports() {
        ByteWriter disconnect;
        disconnect.u8(1).u32be(11).u16be(0);
        session.receive(disconnect.take());
        session.receive(host_version());
        take();
        session.receive(host_string_message(Message::service_accept, k_pfwd_service));
        std::vector<std::uint32_t> ports;
        for (auto replies = take(); !replies.empty(); replies = take()) {
            REQUIRE(replies.size() == 1);
            ByteReader reader(replies[0]);
            REQUIRE(reader.u8("type") == 80); // GLOBAL_REQUEST
            auto name_size = reader.u32be("name size");
            CHECK(reader.string(name_size, "name") == "tcpip-forward");
            reader.u8("want reply");
            auto address_size = reader.u32be("address size");
            reader.string(address_size, "address");
            ports.push_back(reader.u32be("port"));
            session.receive(host_u32s(81, {ports.back()}));
        }
        return ports;
    }
};

// One APF channel as the byte stream a client talks to.
class Channel : public StreamConnection {
public:
    Channel(Configured& fw, std::uint32_t port) : m_fw(fw) {
        fw.session.receive(host_open(1, 1 << 20, port));
        auto replies = fw.take();
        REQUIRE(replies.size() == 1);
        ByteReader reader(replies[0]);
        m_open = reader.u8("type") == 91; // CHANNEL_OPEN_CONFIRMATION
        reader.u32be("recipient");
        m_id = reader.u32be("sender or reason");
    }
    bool open() const { return m_open; }
    std::uint32_t reason() const { return m_open ? 0 : m_id; }
    std::string receive(std::string_view bytes) override {
        m_fw.session.receive(host_data(m_id, bytes));
        return data_of(m_fw.take(), &m_closed);
    }
    bool closed() const override { return m_closed; }
    std::size_t responses() const override { return 0; }

private:
    Configured& m_fw;
    std::uint32_t m_id = 0;
    bool m_open = false;
    bool m_closed = false;
};

} // namespace

TEST_CASE("after CommitChanges APF forwards 16993 and 664 too and serves the configured "
          "certificate there",
          "[unit][sim][tls][certs]") {
    Configured fw;
    sim::test::TestCa ca;
    CHECK(fw.forwarded_ports() == std::vector<std::uint32_t>{16992, 623});
    {
        Channel refused(fw, 16993); // nothing listens on 16993 before configuration
        CHECK(refused.reason() == 2);
    }
    sim::test::configure_tls(fw.admin, ca, {});
    CHECK(fw.forwarded_ports() == std::vector<std::uint32_t>{16992, 623, 16993, 664});
    auto soap =
        sim::test::envelope(sim::action::get, sim::test::class_uri("AMT_GeneralSettings"), "");
    sim::test::TlsTestClient client({ca.certificate_file(), TLS1_2_VERSION, "", ""});
    {
        Channel tls(fw, 16993);
        REQUIRE(tls.open());
        auto result = client.exchange(tls, sim::test::http_post(soap));
        REQUIRE(result.handshake);
        CHECK(result.verify_result == X509_V_OK);
        REQUIRE(result.subjects.size() == 1);
        CHECK(result.subjects[0] == "/CN=amt.sim.example");
        CHECK(sim::test::read_response(result.response).status == 401);
        CHECK(tls.closed());
    }
    CHECK(fw.forwarded_ports().size() == 4);
    Channel plain(fw, 16992); // plain HTTP is still served beside it
    REQUIRE(plain.open());
    CHECK(sim::test::read_response(plain.receive(sim::test::http_post(soap))).status == 401);
}

TEST_CASE("with the LMS TLS setting committed APF forwards only the TLS ports",
          "[unit][sim][tls][certs]") {
    Configured fw;
    sim::test::TestCa ca;
    sim::test::configure_tls(fw.admin, ca, {true, true, false});
    CHECK(fw.forwarded_ports() == std::vector<std::uint32_t>{16993, 664});
    Channel refused(fw, 16992);
    CHECK(refused.reason() == 2);
    CHECK(fw.forwarded_ports() == std::vector<std::uint32_t>{16993, 664});
    Channel tls(fw, 16993);
    CHECK(tls.open());
}
