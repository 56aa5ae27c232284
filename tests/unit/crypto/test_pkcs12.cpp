// load_pkcs12: chains reordered leaf -> root, and every way a PKCS#12 file can be wrong.
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"
#include "test_certs.hpp"

using namespace amtcfg;
using namespace amtcfg::crypto;
using test::certs;

namespace {

const Secret k_password("test-pfx-pw");

Bytes crypto_test_nonce() {
    Bytes nonce(20);
    for (std::size_t i = 0; i < nonce.size(); ++i) {
        nonce[i] = static_cast<std::uint8_t>(0xf0 + i);
    }
    return nonce;
}

std::string load_error(const std::string& name, const Secret& password = k_password.clone()) {
    try {
        load_pkcs12_file(certs().path(name), password);
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::invalid_input);
        return error.what();
    }
    FAIL("the PKCS#12 file was accepted");
    return "";
}

} // namespace

TEST_CASE("the chain comes out leaf -> root whatever order the file had", "[unit]") {
    for (const char* name : {"good.pfx", "ou.pfx", "extra.pfx", "legacy.pfx"}) {
        INFO(name);
        ProvisioningChain chain = load_pkcs12_file(certs().path(name), k_password);
        REQUIRE(chain.chain.size() == 3);
        CHECK(chain.leaf().common_name == "prov.example.com");
        CHECK(chain.chain[1].common_name == "amtcfg Test Intermediate CA");
        CHECK(chain.root().common_name == "amtcfg Test Root CA");
        CHECK(chain.root().self_issued);
        CHECK_FALSE(chain.leaf().self_issued);
        CHECK(chain.chain[1].issuer == chain.root().subject);
    }
    ProvisioningChain good = load_pkcs12_file(certs().path("good.pfx"), k_password);
    CHECK(good.leaf().der == certs().bytes("leaf.der"));
    CHECK(good.root().der == certs().bytes("root.der"));
}

TEST_CASE("a SHA-384 root is read with its digest", "[unit]") {
    ProvisioningChain chain = load_pkcs12_file(certs().path("sha384.pfx"), k_password);
    REQUIRE(chain.chain.size() == 2);
    CHECK(chain.root().signature_digest == "sha384");
    CHECK(chain.leaf().signature_digest == "sha384");
    CHECK(chain.root().common_name == "amtcfg Test SHA-384 Root CA");
}

TEST_CASE("a chain that does not reach a self-signed root names the missing issuer", "[unit]") {
    CHECK(load_error("nochain.pfx") ==
          "provisioning certificate " + certs().path("nochain.pfx") +
              ": the chain stops at \"O=amtcfg tests,CN=amtcfg Test Intermediate CA\": its "
              "issuer \"O=amtcfg tests,CN=amtcfg Test Root CA\" is not in the file, so it does "
              "not reach a self-signed root (export the PKCS#12 with the whole chain, "
              "intermediates and root)");
}

TEST_CASE("wrong password, missing key, EC key and garbage are refused with the fix", "[unit]") {
    CHECK_THAT(load_error("good.pfx", Secret("wrong")),
               Catch::EndsWith(": the password is wrong (check the password-source of "
                               "<provisioning-certificate>)"));
    CHECK_THAT(load_error("nokey.pfx"),
               Catch::EndsWith(": it has no private key (export it together with the private "
                               "key)"));
    CHECK_THAT(load_error("ec.pfx"), Catch::Contains("the private key is not RSA"));
    CHECK_THAT(load_error("root.pem"), Catch::Contains("the file is not PKCS#12"));
    CHECK_THAT(load_error("missing.pfx"),
               Catch::StartsWith("cannot read the provisioning certificate") &&
                   Catch::Contains("missing.pfx"));
    Bytes truncated = certs().bytes("good.pfx");
    truncated.resize(truncated.size() / 2);
    CHECK_THROWS_AS(load_pkcs12(truncated, k_password, "half.pfx"), Error);
}

TEST_CASE("the AdminSetup signature matches openssl dgst -sha256 -sign", "[unit]") {
    ProvisioningChain chain = load_pkcs12_file(certs().path("good.pfx"), k_password);
    Bytes nonces = certs().bytes("nonces.bin");
    REQUIRE(nonces.size() == 40);
    ByteView view(nonces);
    std::string signature = sign_setup_nonces(chain.key, view.first(20), view.last(20));
    CHECK(signature == certs().text("nonces.sig.b64"));
    // PKCS#1 v1.5 is deterministic; a different nonce must give a different signature.
    CHECK(sign_setup_nonces(chain.key, view.last(20), view.first(20)) != signature);
}

TEST_CASE("base64_encode follows RFC 4648", "[unit]") {
    auto encode = [](std::string_view text) { return base64_encode(as_bytes(text)); };
    CHECK(encode("") == "");
    CHECK(encode("f") == "Zg==");
    CHECK(encode("fo") == "Zm8=");
    CHECK(encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64_decode is strict and round-trips", "[unit]") {
    auto decode = [](std::string_view text) {
        Bytes bytes = base64_decode(text);
        return std::string(bytes.begin(), bytes.end());
    };
    CHECK(decode("") == "");
    CHECK(decode("Zg==") == "f");
    CHECK(decode("Zm8=") == "fo");
    CHECK(decode("Zm9vYmFy") == "foobar");
    Bytes nonce = crypto_test_nonce();
    CHECK(base64_decode(base64_encode(nonce)) == nonce);
    for (const char* bad :
         {"Zg=", "Zg", "Z===", "Zm9v YmFy", "Zm9v\nYmFy", "Zg=a", "****", "Zh=="}) {
        INFO(bad);
        CHECK_THROWS_AS(base64_decode(bad), DecodeError);
    }
}
