// AMT's certificate store (wsman.md section 6): each method of AMT_PublicKeyManagementService
// (key pairs, requests, certificates, trusted roots, keys) and the pregenerated-keys test knob.
#include "certificate_calls.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;
using namespace amtcfg::sim::certificate_tests;

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
