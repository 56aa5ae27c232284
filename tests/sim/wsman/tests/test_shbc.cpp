// Secure Host-Based Configuration and CCM on a TLS-enforced AMT 19 (wsman.md 7.4): AMTHI
// StartConfigurationHBased, the client-certificate check of the TLS server, the LSA over that
// connection, CommitChanges into ACM, the TLS faults, and CCM/unprovision over TLS.
#include "amthi_responder.hpp"
#include "support.hpp"
#include "tls_client.hpp"

#include "amtcfg/util/bytes.hpp"
#include "wsman/digest.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <fstream>

using namespace amtcfg;
using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;
using test::sim_tls_dir;
using test::test_certs_dir;
using test::TlsDevice;
using test::TlsTestClient;

namespace {

const std::string k_password = "Sim-Admin-19!";

// make-test-certs.sh's provisioning chain, leaf first, root last, as one PEM file.
std::string client_chain(const std::vector<std::string>& names) {
    auto path = test_certs_dir().file("client-" + names.front() + "-" +
                                      std::to_string(names.size()) + ".pem");
    std::ofstream out(path);
    for (const auto& name : names) {
        std::ifstream in(test_certs_dir().file(name + ".pem"));
        out << in.rdbuf();
    }
    return path;
}

TlsTestClient provisioning_client(const std::vector<std::string>& chain = {"leaf", "inter", "root"},
                                  const std::string& key = "leaf") {
    return TlsTestClient({sim_tls_dir().file("ondie-root.pem"), 0, client_chain(chain),
                          test_certs_dir().file(key + ".key")});
}

// The AMTHI request: u8 algorithm, 64-byte hash field, u8 VPN, u32 suffix length, 320 bytes.
Bytes start_hbased(std::uint8_t algorithm, const std::string& hash_hex) {
    auto hash = from_hex(hash_hex);
    ByteWriter out;
    out.u8(1).u8(1).u16le(0).u32le(0x0400008B).u32le(390);
    out.u8(algorithm).bytes(hash).zeros(64 - hash.size()).u8(0).u32le(0).zeros(320);
    return out.take();
}

// A TLS-enforced AMT 19 whose trusted roots include make-test-certs.sh's root.
struct ShbcDevice : TlsDevice {
    FaultList amthi_faults;

    explicit ShbcDevice(WsmanFaults faults = {}) : TlsDevice(std::move(faults)) {
        model.modify([](DeviceState& d) {
            d.cert_hashes.push_back({"amtcfg Test Root CA", "sha256",
                                     test_certs_dir().text("root.sha256"), false, true});
        });
    }

    // StartConfigurationHBased over AMTHI with the hash of make-test-certs.sh's leaf; returns
    // the AMTHI status.
    std::uint32_t start(std::uint8_t algorithm = 2, const std::string& leaf = "leaf") {
        AmthiResponder amthi(model, amthi_faults, sim_tls_dir().path());
        auto hash = test_certs_dir().text(leaf + (algorithm == 2 ? ".sha256" : ".sha384"));
        auto reply = amthi.respond(start_hbased(algorithm, hash));
        REQUIRE(reply);
        return ByteReader(ByteView(*reply).subspan(12)).u32le("status");
    }
};

std::string return_value(const test::ParsedResponse& response) {
    return element_text(response.body, "ReturnValue");
}

std::string admin_digest_b64(const DeviceState& device) {
    auto ha1 = from_hex(digest_ha1("admin", device.realm, k_password));
    std::string b64(EVP_ENCODE_LENGTH(ha1.size()), '\0');
    auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), ha1.data(),
                                static_cast<int>(ha1.size()));
    b64.resize(static_cast<std::size_t>(size));
    return b64;
}

void set_admin_password(DigestClient& client, const DeviceState& device) {
    auto set = client.invoke("AMT_AuthorizationService", "SetAdminAclEntryEx",
                             "<h:Username>admin</h:Username><h:DigestPassword>" +
                                 admin_digest_b64(device) + "</h:DigestPassword>");
    REQUIRE(return_value(set) == "0");
}

const std::string k_get =
    "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1:16993\r\nContent-Length: 0\r\n\r\n";

} // namespace

TEST_CASE("SHBC: the provisioning chain as client certificate lets the LSA activate ACM",
          "[unit][sim][tls]") {
    ShbcDevice device;
    REQUIRE(device.start() == 0);
    CHECK(device.state().provisioning_state == 1);
    auto client = provisioning_client();
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    auto settings = lsa.get("AMT_GeneralSettings");
    REQUIRE(settings.status == 200);
    CHECK(element_text(settings.body, "DigestRealm") == device.state().realm);
    set_admin_password(lsa, device.state());
    auto mebx = lsa.invoke("AMT_SetupAndConfigurationService", "SetMEBxPassword",
                           "<h:Password>M3bx-P@ss</h:Password>");
    CHECK(return_value(mebx) == "0");
    CHECK(device.state().control_mode == 0); // nothing is active before CommitChanges
    CHECK(return_value(lsa.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "")) == "0");
    auto after = device.state();
    CHECK(after.control_mode == 2);
    CHECK(after.provisioning_state == 2);
    CHECK_FALSE(after.shbc.pending);
    CHECK(after.wsman.mebx_password == "M3bx-P@ss");
    // Activated: post.pem is served, no client certificate is asked for, admin logs on.
    TlsTestClient plain({sim_tls_dir().file("post.pem"), 0, "", ""});
    auto admin = test::tls_digest_client(device, plain, "admin", k_password);
    CHECK(admin.get("AMT_GeneralSettings").status == 200);
    auto connection = device.connect();
    CHECK(plain.exchange(*connection, k_get).subjects ==
          std::vector<std::string>{"/CN=AMT 19 (amtcfg tests)"});
    CHECK(device.service.stats().tls_failed_handshakes == 0);
}

TEST_CASE("SHBC: the TLS server refuses a missing or wrong client certificate",
          "[unit][sim][tls]") {
    ShbcDevice device;
    REQUIRE(device.start() == 0);
    auto refused = [&](TlsTestClient client) {
        auto connection = device.connect();
        auto* tls = dynamic_cast<TlsConnection*>(connection.get());
        REQUIRE(tls != nullptr);
        auto result = client.exchange(*connection, k_get);
        CHECK(result.response.empty());
        CHECK(connection->closed());
        return tls->refusal();
    };
    auto none = refused(TlsTestClient({sim_tls_dir().file("ondie-root.pem"), 0, "", ""}));
    CHECK_FALSE(none.empty());
    // Another leaf (its hash is not the one given to StartConfigurationHBased).
    CHECK(refused(provisioning_client({"ou", "inter", "root"}, "ou")).find("hash") !=
          std::string::npos);
    // No self-signed root in what the client sends.
    CHECK(refused(provisioning_client({"leaf", "inter"})).find("root") != std::string::npos);
    // A chain that does not verify: the intermediate is missing.
    CHECK(refused(provisioning_client({"leaf", "root"})).find("verify") != std::string::npos);
    CHECK(device.service.stats().tls_failed_handshakes == 4);
    // Digest without a checked client certificate gets nowhere, even with the LSA password.
    DigestClient bare(device.service, "$$OsAdmin", device.state().lsa_password);
    CHECK(bare.get("AMT_GeneralSettings").status == 401);
    CHECK(device.state().provisioning_state == 1);
}

TEST_CASE("SHBC: a root the device does not trust is refused", "[unit][sim][tls]") {
    ShbcDevice device;
    device.model.modify([](DeviceState& d) { d.cert_hashes.back().active = false; });
    REQUIRE(device.start() == 0);
    auto connection = device.connect();
    auto* tls = dynamic_cast<TlsConnection*>(connection.get());
    auto client = provisioning_client();
    CHECK(client.exchange(*connection, k_get).response.empty());
    CHECK(tls->refusal().find("not active") != std::string::npos);
}

TEST_CASE("SHBC with SHA-384: the leaf hash is checked with the algorithm given",
          "[unit][sim][tls]") {
    ShbcDevice device;
    REQUIRE(device.start(3) == 0);
    CHECK(device.state().shbc.algorithm == 3);
    CHECK(device.state().shbc.server_cert_hash == test_certs_dir().text("leaf.sha384"));
    auto client = provisioning_client();
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    CHECK(lsa.get("AMT_GeneralSettings").status == 200);
}

TEST_CASE("SHBC: CommitChanges without an admin password fails and changes nothing",
          "[unit][sim][tls]") {
    ShbcDevice device;
    REQUIRE(device.start() == 0);
    auto client = provisioning_client();
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    CHECK(return_value(lsa.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "")) ==
          "2057");
    CHECK(device.state().provisioning_state == 1);
    CHECK(device.state().control_mode == 0);
    CHECK(device.state().shbc.pending);
    // StopConfiguration rolls back whatever was set.
    set_admin_password(lsa, device.state());
    AmthiResponder amthi(device.model, device.amthi_faults, sim_tls_dir().path());
    ByteWriter stop;
    stop.u8(1).u8(1).u16le(0).u32le(0x0400005E).u32le(0);
    auto reply = amthi.respond(stop.take());
    REQUIRE(reply);
    CHECK(ByteReader(ByteView(*reply).subspan(12)).u32le("status") == 0);
    auto after = device.state();
    CHECK(after.provisioning_state == 0);
    CHECK(after.wsman.admin_ha1.empty());
    CHECK_FALSE(after.shbc.pending);
}

TEST_CASE("tls-drop-after-commit: CommitChanges activates, then the connection just ends",
          "[unit][sim][tls]") {
    WsmanFaults faults;
    faults.tls.insert("tls-drop-after-commit");
    ShbcDevice device(std::move(faults));
    REQUIRE(device.start() == 0);
    auto client = provisioning_client();
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    set_admin_password(lsa, device.state());
    TlsTestClient::Result last;
    lsa.transport = [&](const std::string& request) {
        auto connection = device.connect();
        last = client.exchange(*connection, request);
        return last.response;
    };
    auto commit = lsa.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "");
    CHECK(commit.status == 0); // no response at all
    CHECK(last.handshake);
    CHECK(last.response.empty());
    CHECK(last.server_closed);
    CHECK_FALSE(last.close_notify);
    CHECK(device.state().control_mode == 2);
    CHECK(device.state().provisioning_state == 2);
}

TEST_CASE("tls-wrong-hash: StartConfigurationHBased names another hash than the served leaf's",
          "[unit][sim][tls]") {
    ShbcDevice device;
    device.amthi_faults = FaultList({Fault{FaultKind::tls_wrong_hash, "", 0, 1}});
    AmthiResponder amthi(device.model, device.amthi_faults, sim_tls_dir().path());
    auto hash = test_certs_dir().text("leaf.sha256");
    auto wrong = amthi.respond(start_hbased(2, hash));
    REQUIRE(wrong);
    CHECK(to_hex(ByteView(*wrong).subspan(17, 32)) != test::sim_leaf_sha256_hex());
    CHECK(device.state().provisioning_state == 1); // the call itself worked
    ByteWriter stop;
    stop.u8(1).u8(1).u16le(0).u32le(0x0400005E).u32le(0);
    REQUIRE(amthi.respond(stop.take()));
    auto right = amthi.respond(start_hbased(2, hash)); // counted *1: the next one is right
    REQUIRE(right);
    CHECK(to_hex(ByteView(*right).subspan(17, 32)) == test::sim_leaf_sha256_hex());
}

TEST_CASE("CCM on a TLS-enforced AMT 19: Setup over TLS, CommitChanges as admin, unprovision",
          "[unit][sim][tls]") {
    TlsDevice device;
    TlsTestClient client({sim_tls_dir().file("ondie-root.pem"), 0, "", ""});
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    auto password = digest_ha1("admin", device.state().realm, k_password);
    auto setup = lsa.invoke("IPS_HostBasedSetupService", "Setup",
                            "<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>"
                            "<h:NetworkAdminPassword>" +
                                password + "</h:NetworkAdminPassword>");
    REQUIRE(return_value(setup) == "0");
    CHECK(device.state().control_mode == 1);
    CHECK(device.state().provisioning_state == 1); // "in" until CommitChanges
    auto admin = test::tls_digest_client(device, client, "admin", k_password);
    auto connection = device.connect();
    CHECK(client.exchange(*connection, k_get).subjects.size() == 6); // still the ODCA chain
    CHECK(return_value(admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "")) ==
          "0");
    CHECK(device.state().provisioning_state == 2);
    connection = device.connect();
    CHECK(client.exchange(*connection, k_get).subjects.size() == 1); // post.pem
    auto unprovision = admin.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                                    "<h:ProvisioningMode>1</h:ProvisioningMode>");
    CHECK(return_value(unprovision) == "0");
    CHECK(device.state().provisioning_state == 0);
    connection = device.connect();
    CHECK(client.exchange(*connection, k_get).subjects.size() == 6);
    // Only the first connection and each change of identity paid a full handshake.
    CHECK(device.service.stats().tls_full_handshakes == 3);
    CHECK(device.service.stats().tls_resumed_handshakes > 3);
}

TEST_CASE("AdminSetup is gone on AMT 19", "[unit][sim][tls]") {
    TlsDevice device;
    TlsTestClient client({sim_tls_dir().file("ondie-root.pem"), 0, "", ""});
    auto lsa = test::tls_digest_client(device, client, "$$OsAdmin", device.state().lsa_password);
    auto reply = lsa.invoke("IPS_HostBasedSetupService", "AdminSetup", "");
    CHECK(reply.status == 400);
    CHECK(reply.body.find("ActionNotSupported") != std::string::npos);
}
