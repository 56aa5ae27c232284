// The simulated AMT's TLS server (wsman.md 7.4) driven by an OpenSSL client over memory BIOs:
// the certificate served per device state, plain HTTP refused, resumption, the SHBC
// client-certificate check and CommitChanges into ACM.
#include "wsman/tls_server.hpp"

#include "support.hpp"
#include "tls_client.hpp"
#include "tls_files.hpp"

#include "amtcfg/util/bytes.hpp"
#include "wsman/digest.hpp"

#include <catch2/catch.hpp>
#include <openssl/ssl.h>

using namespace amtcfg::sim;
using test::sim_tls_dir;
using test::test_certs_dir;
using test::TlsClientOptions;
using test::TlsTestClient;

namespace {

using Amt19 = test::TlsDevice;

TlsClientOptions verifying(int max_version = 0) {
    return {sim_tls_dir().file("ondie-root.pem"), max_version, "", ""};
}

const std::string k_get =
    "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1:16993\r\nContent-Length: 0\r\n\r\n";

} // namespace

TEST_CASE("before provisioning AMT serves its six-certificate ODCA chain over TLS",
          "[unit][sim][tls]") {
    Amt19 amt;
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        TlsTestClient client(verifying(version));
        auto connection = amt.connect();
        auto result = client.exchange(*connection, k_get);
        REQUIRE(result.handshake);
        CHECK(result.verify_result == X509_V_OK);
        REQUIRE(result.subjects.size() == 6);
        CHECK(result.subjects[0] == "/CN=AMT RCFG");
        CHECK(result.subjects[3].find("ROM CA") != std::string::npos);
        CHECK(test::read_response(result.response).status == 401);
        CHECK(result.server_closed);
        CHECK(result.close_notify); // a clean end keeps the session resumable
    }
}

TEST_CASE("the TLS port refuses plain HTTP and TLS below 1.2", "[unit][sim][tls]") {
    Amt19 amt;
    auto connection = amt.connect();
    CHECK(connection->receive(k_get).empty());
    CHECK(connection->closed());
    CHECK(amt.service.stats().tls_refused_plain == 1);
    CHECK(amt.service.stats().http_requests == 0);

    TlsTestClient old(verifying(TLS1_1_VERSION));
    auto second = amt.connect();
    CHECK_FALSE(old.exchange(*second, k_get).handshake);
    CHECK(second->closed());
    CHECK(amt.service.stats().tls_failed_handshakes == 1);
    // A device that does not enforce TLS speaks plain HTTP there.
    auto plain = open_management_connection(amt.service, false);
    CHECK(test::read_response(plain->receive(k_get)).status == 401);
}

TEST_CASE("a reconnecting client resumes its session: one full handshake", "[unit][sim][tls]") {
    // TLS 1.2 by ticket, TLS 1.2 by session ID (the server's cache), TLS 1.3 by ticket.
    for (auto [version, no_tickets] :
         {std::pair{TLS1_2_VERSION, false}, std::pair{TLS1_2_VERSION, true},
          std::pair{TLS1_3_VERSION, false}}) {
        INFO("version " << std::hex << version << " no tickets " << no_tickets);
        Amt19 amt;
        auto options = verifying(version);
        options.no_tickets = no_tickets;
        TlsTestClient client(options);
        for (int i = 0; i < 3; ++i) {
            auto connection = amt.connect();
            auto result = client.exchange(*connection, k_get);
            REQUIRE(result.handshake);
            CHECK(result.resumed == (i > 0));
            CHECK(test::read_response(result.response).status == 401);
        }
        CHECK(amt.service.stats().tls_full_handshakes == 1);
        CHECK(amt.service.stats().tls_resumed_handshakes == 2);
        // A client that forgot its session pays again.
        client.forget_session();
        auto connection = amt.connect();
        CHECK_FALSE(client.exchange(*connection, k_get).resumed);
        CHECK(amt.service.stats().tls_full_handshakes == 2);
    }
}

TEST_CASE("after provisioning AMT serves one self-signed certificate, and old sessions are gone",
          "[unit][sim][tls]") {
    Amt19 amt;
    TlsTestClient client(verifying());
    auto before = amt.connect();
    REQUIRE(client.exchange(*before, k_get).handshake);
    amt.model.modify([](DeviceState& d) {
        d.control_mode = 1;
        d.provisioning_state = 2;
        d.admin_password = "Sim-Admin-19!";
    });
    auto after = amt.connect();
    auto result = client.exchange(*after, k_get);
    REQUIRE(result.handshake);
    CHECK_FALSE(result.resumed); // AMT's identity changed: a full handshake
    CHECK(result.subjects == std::vector<std::string>{"/CN=AMT 19 (amtcfg tests)"});
    CHECK(result.verify_result != X509_V_OK); // not from the On-Die CA
    TlsTestClient pinned({sim_tls_dir().file("post.pem"), 0, "", ""});
    auto again = amt.connect();
    CHECK(pinned.exchange(*again, k_get).verify_result == X509_V_OK);
}

TEST_CASE("tls-bad-chain: before provisioning AMT serves a chain of another root",
          "[unit][sim][tls]") {
    WsmanFaults faults;
    faults.tls.insert("tls-bad-chain");
    Amt19 amt(std::move(faults));
    TlsTestClient client(verifying());
    auto connection = amt.connect();
    auto result = client.exchange(*connection, k_get);
    REQUIRE(result.handshake);
    CHECK(result.subjects.size() == 6);
    CHECK(result.subjects[0] == "/CN=AMT RCFG");
    CHECK(result.verify_result != X509_V_OK);
}

TEST_CASE("AMT's leaf hash is the SHA-256 of the served leaf", "[unit][sim][tls]") {
    auto dir = sim_tls_dir().path();
    CHECK(amtcfg::to_hex(amt_leaf_sha256(dir)) == test::sim_leaf_sha256_hex());
    CHECK_FALSE(tls_dir_problem(dir));
    CHECK(tls_dir_problem(dir + "/missing"));
}
