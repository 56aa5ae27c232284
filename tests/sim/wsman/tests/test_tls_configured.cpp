// What the management ports serve after TLS configuration (CommitChanges): the credential
// context's certificate on 16993, also on a device that does not enforce TLS; the simulated
// LMS port telling TLS from plain HTTP by the first byte; the LMS TLS setting making the local
// ports TLS-only; mutual authentication; the TLS service restarting on a new certificate.
#include "pki.hpp"
#include "tls_client.hpp"

#include "wsman/tls_server.hpp"

#include <catch2/catch.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>

using namespace amtcfg::sim;
using test::DigestClient;
using test::TlsClientOptions;
using test::TlsTestClient;

namespace {

const std::string k_password = "P@ssw0rd!";
const std::string k_get =
    "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1:16993\r\nContent-Length: 0\r\n\r\n";

std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An activated device (ACM) with its TLS server; the clock is real time, as the test
// certificates are dated from now. `tls_dir`: make-sim-tls.sh's files (TLS-enforced AMT 19),
// or none (a device that does not enforce TLS).
struct Device {
    test::FakeWorld world;
    DeviceModel model;
    WsmanService service;
    TlsServer tls;
    DigestClient admin{service, "admin", k_password};

    explicit Device(bool tls_enforced = false)
        : model(default_device()), service(model, {},
                                           [this] {
                                               auto environment = world.environment();
                                               environment.now = real_now;
                                               return environment;
                                           }()),
          tls(service, tls_enforced ? test::sim_tls_dir().path() : std::string()) {
        service.set_tls(&tls);
        model.modify([&](DeviceState& s) {
            s.amt_version = tls_enforced ? "19.0.5" : "16.1.25";
            s.tls_enforced = tls_enforced;
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = k_password;
        });
    }
    ManagementPorts ports() const { return model.read(management_ports); }
    // A connection to the simulated LMS's port.
    std::unique_ptr<StreamConnection> local() { return open_local_connection(service, ports()); }
};

TlsClientOptions trusting(const test::TestCa& ca) {
    return {ca.certificate_file(), 0, "", ""};
}

} // namespace

TEST_CASE("after CommitChanges a device without TLS enforcement serves the configured "
          "certificate on 16993 and plain HTTP beside it on the LMS port",
          "[unit][sim][tls][certs]") {
    Device device;
    test::TestCa ca;
    CHECK(device.ports().plain);
    CHECK_FALSE(device.ports().tls);
    {
        TlsTestClient client(trusting(ca)); // no TLS before configuration
        auto connection = device.local();
        auto result = client.exchange(*connection, k_get);
        CHECK_FALSE(result.handshake);
    }
    auto configured = test::configure_tls(device.admin, ca, {});
    CHECK(device.ports().plain);
    CHECK(device.ports().tls);
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        TlsTestClient client({ca.certificate_file(), version, "", ""});
        auto connection = device.local();
        auto result = client.exchange(*connection, k_get);
        REQUIRE(result.handshake);
        CHECK(result.verify_result == X509_V_OK);
        REQUIRE(result.subjects.size() == 1);
        CHECK(result.subjects[0] == "/CN=amt.sim.example");
        CHECK(test::read_response(result.response).status == 401);
    }
    // The same port still answers plain HTTP (the first byte is not a TLS handshake).
    auto plain = device.local();
    auto answer = test::read_response(plain->receive(test::http_post("")));
    CHECK(answer.status == 401);
    // Digest over TLS works like over plain HTTP.
    TlsTestClient client(trusting(ca));
    DigestClient over_tls(device.service, "admin", k_password);
    over_tls.transport = [&](const std::string& request) {
        auto connection = device.local();
        return client.exchange(*connection, request).response;
    };
    CHECK(over_tls.get("AMT_GeneralSettings").status == 200);
    CHECK(device.service.stats().tls_resumed_handshakes > 0);
}

TEST_CASE("the LMS TLS setting, committed, makes the local port TLS-only",
          "[unit][sim][tls][certs]") {
    Device device;
    test::TestCa ca;
    test::configure_tls(device.admin, ca, {true, true, false});
    CHECK_FALSE(device.ports().plain);
    CHECK(device.ports().tls);
    auto plain = device.local();
    CHECK(plain->receive(test::http_post("")).empty());
    CHECK(plain->closed());
    CHECK(device.service.stats().tls_refused_plain == 1);
    TlsTestClient client(trusting(ca));
    auto connection = device.local();
    auto result = client.exchange(*connection, k_get);
    REQUIRE(result.handshake);
    CHECK(result.verify_result == X509_V_OK);
}

TEST_CASE("a TLS-enforced AMT 19 serves the configured certificate instead of post.pem",
          "[unit][sim][tls][certs]") {
    Device device(true);
    test::TestCa ca;
    {
        TlsTestClient client(trusting(ca));
        auto connection = device.local();
        auto result = client.exchange(*connection, k_get);
        REQUIRE(result.handshake);
        CHECK(result.verify_result != X509_V_OK); // post.pem is not from the CA
    }
    test::configure_tls(device.admin, ca, {});
    CHECK_FALSE(device.ports().plain); // still TLS-only
    TlsTestClient client(trusting(ca));
    auto connection = device.local();
    auto result = client.exchange(*connection, k_get);
    REQUIRE(result.handshake);
    CHECK(result.verify_result == X509_V_OK);
    REQUIRE(!result.subjects.empty());
    CHECK(result.subjects[0] == "/CN=amt.sim.example");
}

TEST_CASE("a commit that changes the certificate restarts the TLS service: old sessions are "
          "not resumed",
          "[unit][sim][tls][certs]") {
    Device device;
    test::TestCa ca;
    test::configure_tls(device.admin, ca, {});
    TlsTestClient client(trusting(ca));
    auto exchange = [&] {
        auto connection = device.local();
        return client.exchange(*connection, k_get);
    };
    CHECK_FALSE(exchange().resumed);
    CHECK(exchange().resumed);
    test::renew_tls(device.admin, ca, "renewed.sim.example");
    auto renewed = exchange();
    REQUIRE(renewed.handshake);
    CHECK_FALSE(renewed.resumed);
    REQUIRE(!renewed.subjects.empty());
    CHECK(renewed.subjects[0] == "/CN=renewed.sim.example");
    CHECK(renewed.verify_result == X509_V_OK);
    CHECK(exchange().resumed);
}

TEST_CASE("mutual authentication on the local setting demands a client certificate chained to "
          "a trusted root",
          "[unit][sim][tls][certs]") {
    Device device;
    test::TestCa ca;
    test::TestCa stranger("Stranger CA");
    test::configure_tls(device.admin, ca, {false, true, true});
    auto refusal = [&](TlsClientOptions options) {
        TlsTestClient client(std::move(options));
        auto connection = device.local();
        auto* tls = dynamic_cast<TlsConnection*>(connection.get());
        REQUIRE(tls != nullptr);
        auto result = client.exchange(*connection, k_get);
        if (!tls->refusal().empty()) {
            CHECK(result.response.empty());
            CHECK(connection->closed());
        }
        return tls->refusal();
    };
    CHECK_FALSE(refusal(trusting(ca)).empty()); // no client certificate
    auto foreign = stranger.client_identity("console");
    CHECK(refusal({ca.certificate_file(), 0, foreign.chain, foreign.key}).find("trusted root") !=
          std::string::npos);
    auto good = ca.client_identity("console");
    CHECK(refusal({ca.certificate_file(), 0, good.chain, good.key}).empty());
    CHECK(device.service.stats().tls_failed_handshakes == 2);
}
