// AMT's certificate store and TLS configuration (wsman.md sections 6 and 8): each method of
// AMT_PublicKeyManagementService, the certificate and key-pair classes, the TLS credential
// context, CommitChanges' TLS prerequisites, the state file round trip and unprovisioning.
#include "pki.hpp"
#include "support.hpp"

#include "faults.hpp"
#include "wsman/service.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;
using test::element_texts;

namespace {

const std::string k_password = "P@ssw0rd!";
constexpr const char* k_pkms = "AMT_PublicKeyManagementService";

struct Device {
    test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service;
    DigestClient admin{service, "admin", k_password};

    explicit Device(std::string_view faults = {}, std::string amt_version = "16.1.25")
        : service(model, wsman_faults(FaultList::parse(faults), 0), world.environment()) {
        model.modify([&](DeviceState& s) {
            s.amt_version = amt_version;
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = k_password;
        });
    }
    DeviceState state() const { return model.snapshot(); }
};

std::string rv(const test::ParsedResponse& response) {
    return element_text(response.body, "ReturnValue");
}

std::string subcode(const test::ParsedResponse& response) {
    auto values = element_texts(response.body, "Value");
    return response.status == 400 && values.size() > 1 ? values[1] : std::string();
}

test::ParsedResponse generate(DigestClient& admin, int algorithm = 0, int length = 2048) {
    return admin.invoke(k_pkms, "GenerateKeyPair",
                        fmt::format("<h:KeyAlgorithm>{}</h:KeyAlgorithm><h:KeyLength>{}"
                                    "</h:KeyLength>",
                                    algorithm, length));
}

std::string reference(std::string_view class_name, std::string_view selector,
                      std::string_view value) {
    return fmt::format("<a:Address>{}</a:Address><a:ReferenceParameters><w:ResourceURI>{}"
                       "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"{}\">{}</w:Selector>"
                       "</w:SelectorSet></a:ReferenceParameters>",
                       ns::anonymous, test::class_uri(class_name), selector, value);
}

test::ParsedResponse sign_request(DigestClient& admin, const std::string& key_id,
                                  const std::string& request, int algorithm = 1) {
    return admin.invoke(
        k_pkms, "GeneratePKCS10RequestEx",
        fmt::format("<h:KeyPair>{}</h:KeyPair><h:SigningAlgorithm>{}</h:SigningAlgorithm>"
                    "<h:NullSignedCertificateRequest>{}</h:NullSignedCertificateRequest>",
                    reference("AMT_PublicPrivateKeyPair", "InstanceID", key_id), algorithm,
                    request));
}

test::ParsedResponse add(DigestClient& admin, const std::string& certificate, bool root = false) {
    return admin.invoke(k_pkms, root ? "AddTrustedRootCertificate" : "AddCertificate",
                        "<h:CertificateBlob>" + certificate + "</h:CertificateBlob>");
}

std::string context_body(const std::string& certificate_id,
                         std::string_view collection = "TLSProtocolEndpoint Instances Collection") {
    return fmt::format("<h:AMT_TLSCredentialContext xmlns:h=\"{}\"><h:ElementInContext>{}"
                       "</h:ElementInContext><h:ElementProvidingContext>{}"
                       "</h:ElementProvidingContext></h:AMT_TLSCredentialContext>",
                       test::class_uri("AMT_TLSCredentialContext"),
                       reference("AMT_PublicKeyCertificate", "InstanceID", certificate_id),
                       reference("AMT_TLSProtocolEndpointCollection", "ElementName", collection));
}

test::ParsedResponse
create_context(DigestClient& admin, const std::string& certificate_id,
               std::string_view collection = "TLSProtocolEndpoint Instances Collection") {
    return admin.post(test::envelope(action::create, test::class_uri("AMT_TLSCredentialContext"),
                                     context_body(certificate_id, collection)));
}

test::ParsedResponse remove(DigestClient& admin, std::string_view class_name,
                            const std::string& instance_id) {
    return admin.post(test::envelope(action::remove, test::class_uri(class_name), "",
                                     {{"InstanceID", instance_id}}));
}

// The DERKey AMT exports for a key pair.
std::string der_key(DigestClient& admin, const std::string& key_id) {
    auto xml = test::enumerate_all(admin, "AMT_PublicPrivateKeyPair");
    auto ids = element_texts(xml, "InstanceID");
    auto keys = element_texts(xml, "DERKey");
    for (std::size_t i = 0; i < ids.size() && i < keys.size(); ++i) {
        if (ids[i] == key_id) {
            return keys[i];
        }
    }
    return {};
}

std::vector<unsigned char> decode(const std::string& text) {
    std::vector<unsigned char> out(text.size());
    int size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
    REQUIRE(size >= 0);
    out.resize(static_cast<std::size_t>(size) - (text.ends_with("==")  ? 2
                                                 : text.ends_with("=") ? 1
                                                                       : 0));
    return out;
}

struct KeyAndCertificate {
    std::string key_id;
    std::string certificate_id;
    std::string certificate;
};

// A key generated in AMT and its certificate from `ca`, added to AMT.
KeyAndCertificate key_with_certificate(DigestClient& admin, const test::TestCa& ca,
                                       const std::string& cn = "amt.sim.example") {
    KeyAndCertificate out;
    out.key_id = element_text(generate(admin).body, "Selector");
    out.certificate = ca.issue_for_key(der_key(admin, out.key_id), cn);
    auto added = add(admin, out.certificate);
    REQUIRE(rv(added) == "0");
    out.certificate_id = element_text(added.body, "Selector");
    return out;
}

} // namespace

TEST_CASE("GenerateKeyPair makes an RSA 2048 key inside AMT and names its key pair",
          "[unit][sim][certs]") {
    Device device;
    auto response = generate(device.admin);
    REQUIRE(rv(response) == "0");
    auto uris = element_texts(response.body, "ResourceURI"); // the header's, then the EPR's
    REQUIRE(uris.size() == 2);
    CHECK(uris[1] == test::class_uri("AMT_PublicPrivateKeyPair"));
    auto key_id = element_text(response.body, "Selector");
    CHECK(key_id.starts_with("Intel(r) AMT Key: Handle: "));
    auto der = decode(der_key(device.admin, key_id));
    const unsigned char* cursor = der.data();
    EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size()));
    REQUIRE(key != nullptr); // PKCS#1 RSAPublicKey, the public part only
    CHECK(EVP_PKEY_get_bits(key) == 2048);
    EVP_PKEY_free(key);
    auto state = device.state();
    REQUIRE(state.wsman.certificates.keys.size() == 1);
    CHECK(state.wsman.certificates.keys[0].private_key_pem.find("PRIVATE KEY") !=
          std::string::npos);
    // A second key is another key with another handle.
    auto second = element_text(generate(device.admin).body, "Selector");
    CHECK(second != key_id);
    CHECK(der_key(device.admin, second) != der_key(device.admin, key_id));
}

TEST_CASE("GenerateKeyPair refuses other algorithms and lengths and keeps nothing",
          "[unit][sim][certs]") {
    Device device;
    CHECK(rv(generate(device.admin, 0, 1024)) == "2066");
    CHECK(rv(generate(device.admin, 0, 4096)) == "2066");
    CHECK(rv(generate(device.admin, 1, 2048)) == "2066");
    CHECK(rv(device.admin.invoke(k_pkms, "GenerateKeyPair", "<h:KeyLength>2048</h:KeyLength>")) ==
          "36");
    CHECK(device.state().wsman.certificates.keys.empty());
}

TEST_CASE("GeneratePKCS10RequestEx re-signs the client's request with AMT's key",
          "[unit][sim][certs]") {
    Device device;
    auto key_id = element_text(generate(device.admin).body, "Selector");
    auto public_key = der_key(device.admin, key_id);
    auto response =
        sign_request(device.admin, key_id, test::null_signed_request(public_key, "amt.example"));
    REQUIRE(rv(response) == "0");
    auto der = decode(element_text(response.body, "SignedCertificateRequest"));
    const unsigned char* cursor = der.data();
    X509_REQ* request = d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size()));
    REQUIRE(request != nullptr);
    CHECK(X509_REQ_verify(request, X509_REQ_get0_pubkey(request)) == 1);
    CHECK(X509_REQ_get_signature_nid(request) == NID_sha256WithRSAEncryption);
    char cn[64] = {};
    X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(request), NID_commonName, cn, sizeof cn);
    CHECK(std::string(cn) == "amt.example");
    X509_REQ_free(request);
    // The CA's proof-of-possession check passes, so the request can be issued.
    test::TestCa ca;
    CHECK(!ca.issue_for_request(element_text(response.body, "SignedCertificateRequest")).empty());
}

TEST_CASE("GeneratePKCS10RequestEx refuses what AMT cannot sign", "[unit][sim][certs]") {
    Device device("", "19.0.5");
    auto key_id = element_text(generate(device.admin).body, "Selector");
    auto request = test::null_signed_request(der_key(device.admin, key_id), "amt.example");
    SECTION("SHA-1 is gone from CSME 18") {
        CHECK(rv(sign_request(device.admin, key_id, request, 0)) == "2066");
    }
    SECTION("an unknown signing algorithm") {
        CHECK(rv(sign_request(device.admin, key_id, request, 7)) == "36");
    }
    SECTION("a request for another key") {
        CHECK(rv(sign_request(device.admin, key_id, test::foreign_request("x"))) == "36");
    }
    SECTION("a key pair AMT does not have") {
        CHECK(rv(sign_request(device.admin, "Intel(r) AMT Key: Handle: 77", request)) == "2053");
        CHECK(rv(sign_request(device.admin, "not a handle", request)) == "2053");
    }
    SECTION("not a request") {
        CHECK(rv(sign_request(device.admin, key_id, "AAAA")) == "36");
        CHECK(rv(sign_request(device.admin, key_id, "!!")) == "36");
    }
}

TEST_CASE("GeneratePKCS10RequestEx signs with SHA-1 before CSME 18", "[unit][sim][certs]") {
    Device device; // AMT 16.1
    auto key_id = element_text(generate(device.admin).body, "Selector");
    auto response = sign_request(device.admin, key_id,
                                 test::null_signed_request(der_key(device.admin, key_id), "a"), 0);
    REQUIRE(rv(response) == "0");
    auto der = decode(element_text(response.body, "SignedCertificateRequest"));
    const unsigned char* cursor = der.data();
    X509_REQ* request = d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size()));
    REQUIRE(request != nullptr);
    CHECK(X509_REQ_get_signature_nid(request) == NID_sha1WithRSAEncryption);
    X509_REQ_free(request);
}

TEST_CASE("AddCertificate stores a certificate for a key AMT holds", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(stored.certificate_id.starts_with("Intel(r) AMT Certificate: Handle: "));
    auto xml = test::enumerate_all(device.admin, "AMT_PublicKeyCertificate");
    CHECK(element_text(xml, "InstanceID") == stored.certificate_id);
    CHECK(element_text(xml, "X509Certificate") == stored.certificate);
    CHECK(element_text(xml, "Subject") == "CN=amt.sim.example");
    CHECK(element_text(xml, "Issuer") == "CN=Sim Test CA");
    CHECK(element_text(xml, "TrustedRootCertficate") == "false");
    CHECK(element_text(xml, "ReadOnlyCertificate") == "false");
    auto got =
        device.admin.get("AMT_PublicKeyCertificate", {{"InstanceID", stored.certificate_id}});
    CHECK(element_text(got.body, "X509Certificate") == stored.certificate);
    SECTION("the same certificate twice is a duplicate") {
        CHECK(rv(add(device.admin, stored.certificate)) == "2058");
    }
}

TEST_CASE("AddCertificate refuses certificates without their key in AMT", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    test::TestCa other("Other CA");
    auto certificate_of_ca = ca.certificate_base64();
    CHECK(rv(add(device.admin, certificate_of_ca)) == "2060"); // no key pair at all
    generate(device.admin);
    CHECK(rv(add(device.admin, certificate_of_ca)) == "2064"); // keys, but not this one
    CHECK(rv(add(device.admin, "AAAA")) == "2063");            // not a certificate
    CHECK(rv(add(device.admin, "%%%")) == "2063");
    CHECK(device.state().wsman.certificates.certificates.empty());
}

TEST_CASE("AddTrustedRootCertificate stores CA certificates as trusted roots",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto response = add(device.admin, ca.certificate_base64(), true);
    REQUIRE(rv(response) == "0");
    auto xml = test::enumerate_all(device.admin, "AMT_PublicKeyCertificate");
    CHECK(element_text(xml, "TrustedRootCertficate") == "true");
    CHECK(element_text(xml, "Subject") == "CN=Sim Test CA");
    CHECK(rv(add(device.admin, ca.certificate_base64(), true)) == "2058");
    // A leaf (no CA basic constraint) is no root.
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(rv(add(device.admin, stored.certificate, true)) == "2063");
}

TEST_CASE("the TLS credential context binds one certificate; a second Create AlreadyExists",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto first = key_with_certificate(device.admin, ca);
    auto created = create_context(device.admin, first.certificate_id,
                                  "TLSProtocolEndpointInstances Collection");
    REQUIRE(created.status == 200);
    CHECK(element_text(created.body, "Action") ==
          "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse");
    CHECK(created.body.find("ResourceCreated") != std::string::npos);
    auto selectors = element_texts(created.body, "Selector");
    CHECK(std::find(selectors.begin(), selectors.end(), first.certificate_id) != selectors.end());
    CHECK(device.state().wsman.certificates.credential_context.has_value());

    auto again = create_context(device.admin, first.certificate_id);
    CHECK(subcode(again) == "e:AlreadyExists");

    auto listed = test::enumerate_all(device.admin, "AMT_TLSCredentialContext");
    CHECK(listed.find(first.certificate_id) != std::string::npos);
    auto got = device.admin.get("AMT_TLSCredentialContext");
    CHECK(got.status == 200);
    CHECK(got.body.find(first.certificate_id) != std::string::npos);
    CHECK(listed.find("TLSProtocolEndpoint Instances Collection") != std::string::npos);

    SECTION("Put switches the context to another certificate") {
        auto second = key_with_certificate(device.admin, ca, "amt2.sim.example");
        auto put = device.admin.post(test::envelope(action::put,
                                                    test::class_uri("AMT_TLSCredentialContext"),
                                                    context_body(second.certificate_id)));
        REQUIRE(put.status == 200);
        CHECK(put.body.find(second.certificate_id) != std::string::npos);
        CHECK(test::enumerate_all(device.admin, "AMT_TLSCredentialContext")
                  .find(second.certificate_id) != std::string::npos);
        // The first certificate is free again, and with it its key.
        CHECK(remove(device.admin, "AMT_PublicKeyCertificate", first.certificate_id).status == 200);
        CHECK(remove(device.admin, "AMT_PublicPrivateKeyPair", first.key_id).status == 200);
    }
    SECTION("Delete removes it; then Create works again") {
        auto removed = device.admin.post(
            test::envelope(action::remove, test::class_uri("AMT_TLSCredentialContext"), ""));
        CHECK(removed.status == 200);
        CHECK(!device.state().wsman.certificates.credential_context);
        CHECK(create_context(device.admin, first.certificate_id).status == 200);
    }
}

TEST_CASE("the credential context refuses what is not AMT's certificate with its key",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto root = add(device.admin, ca.certificate_base64(), true);
    auto root_id = element_text(root.body, "Selector");
    CHECK(subcode(create_context(device.admin, root_id)) == "e:InvalidParameter");
    CHECK(subcode(create_context(device.admin, "Intel(r) AMT Certificate: Handle: 99")) ==
          "e:InvalidParameter");
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(subcode(create_context(device.admin, stored.certificate_id, "Some Collection")) ==
          "e:InvalidParameter");
    auto garbage = device.admin.post(
        test::envelope(action::create, test::class_uri("AMT_TLSCredentialContext"),
                       fmt::format("<h:AMT_TLSCredentialContext xmlns:h=\"{}\"/>",
                                   test::class_uri("AMT_TLSCredentialContext"))));
    CHECK(subcode(garbage) == "d:InvalidRepresentation");
    CHECK(!device.state().wsman.certificates.credential_context);
}

TEST_CASE("certificates and keys in use are not deleted; free ones are", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto stored = key_with_certificate(device.admin, ca);
    REQUIRE(create_context(device.admin, stored.certificate_id).status == 200);
    CHECK(subcode(remove(device.admin, "AMT_PublicKeyCertificate", stored.certificate_id)) ==
          "e:InvalidParameter");
    CHECK(subcode(remove(device.admin, "AMT_PublicPrivateKeyPair", stored.key_id)) ==
          "e:InvalidParameter");
    CHECK(subcode(remove(device.admin, "AMT_PublicKeyCertificate",
                         "Intel(r) AMT Certificate: Handle: 99")) == "e:InvalidSelectors");
    auto state = device.state();
    CHECK(state.wsman.certificates.certificates.size() == 1);
    CHECK(state.wsman.certificates.keys.size() == 1);
    // A key without a certificate goes at once.
    auto spare = element_text(generate(device.admin).body, "Selector");
    CHECK(remove(device.admin, "AMT_PublicPrivateKeyPair", spare).status == 200);
    CHECK(device.state().wsman.certificates.keys.size() == 1);
}

TEST_CASE("CommitChanges applies TLS only with its prerequisites", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto commit = [&] {
        return rv(device.admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", ""));
    };
    auto put = [&](const char* id, const char* props) {
        auto response = device.admin.put(
            "AMT_TLSSettingData", fmt::format("<h:InstanceID>{}</h:InstanceID>{}", id, props),
            {{"InstanceID", id}});
        REQUIRE(response.status == 200);
    };
    const char* remote = "Intel(r) AMT 802.3 TLS Settings";
    put(remote, "<h:Enabled>true</h:Enabled>");
    CHECK(commit() == "2057"); // no credential context
    CHECK(!device.state().wsman.certificates.committed.remote_enabled);
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(commit() == "2057"); // a certificate, but not in a context
    REQUIRE(create_context(device.admin, stored.certificate_id).status == 200);
    CHECK(commit() == "0");
    auto committed = device.state().wsman.certificates.committed;
    CHECK(committed.remote_enabled);
    CHECK(!committed.local_enabled);
    CHECK(committed.certificate_base64 == stored.certificate);
    CHECK(committed.generation == 1);
    CHECK(commit() == "0"); // nothing changed: the TLS service is not restarted
    CHECK(device.state().wsman.certificates.committed.generation == 1);

    put(remote, "<h:MutualAuthentication>true</h:MutualAuthentication>");
    CHECK(commit() == "2057"); // no trusted root
    REQUIRE(rv(add(device.admin, ca.certificate_base64(), true)) == "0");
    CHECK(commit() == "2057"); // the clock was never set
    auto ta0 = element_text(
        device.admin.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "").body,
        "Ta0");
    auto now = std::to_string(device.world.now);
    REQUIRE(rv(device.admin.invoke("AMT_TimeSynchronizationService", "SetHighAccuracyTimeSynch",
                                   "<h:Ta0>" + ta0 + "</h:Ta0><h:Tm1>" + now + "</h:Tm1><h:Tm2>" +
                                       now + "</h:Tm2>")) == "0");
    CHECK(commit() == "0");
    committed = device.state().wsman.certificates.committed;
    CHECK(committed.remote_mutual);
    CHECK(committed.trusted_roots == std::vector<std::string>{ca.certificate_base64()});
    CHECK(committed.generation == 2);
}

TEST_CASE("keys, certificates and the committed TLS survive the state file", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto configured = test::configure_tls(device.admin, ca, {});
    auto saved = save_device(device.state());
    auto text = saved.dump();
    auto loaded = default_device();
    load_device(nlohmann::json::parse(text), loaded);
    const auto state = device.state();
    const auto& before = state.wsman.certificates;
    const auto& after = loaded.wsman.certificates;
    REQUIRE(after.keys.size() == 1);
    CHECK(after.keys[0].handle == before.keys[0].handle);
    CHECK(after.keys[0].private_key_pem == before.keys[0].private_key_pem);
    REQUIRE(after.certificates.size() == 1);
    CHECK(after.certificates[0].der_base64 == configured.certificate);
    CHECK(after.credential_context == before.credential_context);
    CHECK(after.committed.remote_enabled);
    CHECK(after.committed.certificate_base64 == configured.certificate);
    CHECK(after.committed.private_key_pem == before.keys[0].private_key_pem);
    CHECK(after.committed.generation == before.committed.generation);
    // The reloaded device still exports the same public key and signs with the same key.
    DeviceModel model(loaded);
    test::FakeWorld world;
    WsmanService service(model, {}, world.environment());
    DigestClient admin(service, "admin", k_password);
    CHECK(der_key(admin, configured.key_id) == der_key(device.admin, configured.key_id));
    auto next = element_text(generate(admin).body, "Selector");
    CHECK(next != configured.key_id); // handles stay unique after a reload
}

TEST_CASE("a state file with a context naming no certificate is refused", "[unit][sim][certs]") {
    auto device = default_device();
    auto json = nlohmann::json::parse(R"({"certificates": [], "tls_credential_context": 3})");
    CHECK_THROWS_WITH(load_device(json, device), Catch::Contains("tls_credential_context"));
}

TEST_CASE("full unprovisioning deletes amtcfg's TLS objects and turns TLS off",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    test::configure_tls(device.admin, ca, {true, true, true});
    REQUIRE(device.state().wsman.certificates.committed.local_enabled);
    auto response = device.admin.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                                        "<h:ProvisioningMode>1</h:ProvisioningMode>");
    REQUIRE(rv(response) == "0");
    const auto store = device.state().wsman.certificates;
    CHECK(store.keys.empty());
    CHECK(store.certificates.empty());
    CHECK(!store.credential_context);
    CHECK(!store.committed.remote_enabled);
    CHECK(!store.committed.local_enabled);
    CHECK(store.committed.certificate_base64.empty());
    const auto state = device.state();
    for (const auto& tls : state.wsman.classes.at("AMT_TLSSettingData")) {
        CHECK(tls.get("Enabled") == "false");
    }
}

TEST_CASE("the generic WS-Man faults act on the certificate methods", "[unit][sim][certs]") {
    test::TestCa ca;
    SECTION("wsman-return:GenerateKeyPair answers the code and makes no key") {
        Device device("wsman-return:GenerateKeyPair=23");
        auto response = generate(device.admin);
        CHECK(rv(response) == "23");
        CHECK(element_text(response.body, "KeyPair").empty());
        CHECK(device.state().wsman.certificates.keys.empty());
    }
    SECTION("wsman-fault:GeneratePKCS10RequestEx is an InternalError, counted") {
        Device device("wsman-fault:AMT_PublicKeyManagementService.GeneratePKCS10RequestEx*1");
        auto key_id = element_text(generate(device.admin).body, "Selector");
        auto request = test::null_signed_request(der_key(device.admin, key_id), "a");
        CHECK(subcode(sign_request(device.admin, key_id, request)) == "e:InternalError");
        CHECK(rv(sign_request(device.admin, key_id, request)) == "0"); // the retry works
    }
    SECTION("wsman-drop:AddCertificate stores the certificate, then the answer is lost") {
        Device device("wsman-drop:AddCertificate*1");
        auto key_id = element_text(generate(device.admin).body, "Selector");
        auto certificate = ca.issue_for_key(der_key(device.admin, key_id), "a");
        auto wire = device.admin.raw_post(test::envelope(
            test::class_uri(k_pkms) + "/AddCertificate", test::class_uri(k_pkms),
            fmt::format("<h:AddCertificate_INPUT xmlns:h=\"{}\"><h:CertificateBlob>{}"
                        "</h:CertificateBlob></h:AddCertificate_INPUT>",
                        test::class_uri(k_pkms), certificate)));
        CHECK(!test::read_response(wire).complete);
        CHECK(device.state().wsman.certificates.certificates.size() == 1);
        // The retry finds it there already.
        CHECK(rv(add(device.admin, certificate)) == "2058");
    }
    SECTION("wsman-http500 on Create of the credential context changes nothing") {
        Device device("wsman-http500:AMT_TLSCredentialContext.Create");
        auto stored = key_with_certificate(device.admin, ca);
        CHECK(create_context(device.admin, stored.certificate_id).status == 500);
        CHECK(!device.state().wsman.certificates.credential_context);
    }
}

TEST_CASE("AddKey stores a key the client made; the same key twice is a duplicate",
          "[unit][sim][certs]") {
    Device device;
    EVP_PKEY* key = EVP_RSA_gen(2048);
    unsigned char* der = nullptr;
    int size = i2d_PrivateKey(key, &der);
    std::string blob(4 * ((static_cast<std::size_t>(size) + 2) / 3) + 1, '\0');
    blob.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(blob.data()), der, size)));
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    auto added = device.admin.invoke(k_pkms, "AddKey", "<h:KeyBlob>" + blob + "</h:KeyBlob>");
    REQUIRE(rv(added) == "0");
    auto key_id = element_text(added.body, "Selector");
    CHECK(key_id.starts_with("Intel(r) AMT Key: Handle: "));
    CHECK_FALSE(der_key(device.admin, key_id).empty());
    CHECK(rv(device.admin.invoke(k_pkms, "AddKey", "<h:KeyBlob>" + blob + "</h:KeyBlob>")) ==
          "2058");
    CHECK(rv(device.admin.invoke(k_pkms, "AddKey", "<h:KeyBlob>AAAA</h:KeyBlob>")) == "2062");
    CHECK(device.state().wsman.certificates.keys.size() == 1);
}

TEST_CASE("GenerateKeyPair hands out the pregenerated keys of the device file first",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    // A certificate issued before AMT "generates" the key (a CA mock's fixed answer).
    unsigned char* der = nullptr;
    int der_size = i2d_PublicKey(key, &der);
    std::string public_key(4 * ((static_cast<std::size_t>(der_size) + 2) / 3) + 1, '\0');
    public_key.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(public_key.data()), der, der_size)));
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    auto certificate = ca.issue_for_key(public_key, "fixed.sim.example");
    auto json = nlohmann::json::parse(R"({"pregenerated_keys": []})");
    json["pregenerated_keys"].push_back(pem);
    device.model.modify([&](DeviceState& s) { load_device(json, s); });
    auto first = element_text(generate(device.admin).body, "Selector");
    CHECK(der_key(device.admin, first) == public_key);
    CHECK(rv(add(device.admin, certificate)) == "0");
    auto second = element_text(generate(device.admin).body, "Selector");
    CHECK(der_key(device.admin, second) != public_key); // then fresh keys
    CHECK(device.state().wsman.certificates.pregenerated_keys.empty());
}
