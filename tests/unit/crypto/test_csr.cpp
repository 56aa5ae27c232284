// The null-signed request for AMT's key: what it asks for, and that AMT's re-signing works.
#include "amtcfg/crypto/csr.hpp"
#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace amtcfg;

namespace {

struct Freer {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
    void operator()(X509_REQ* request) const { X509_REQ_free(request); }
};

std::unique_ptr<EVP_PKEY, Freer> rsa_key() {
    return std::unique_ptr<EVP_PKEY, Freer>(EVP_RSA_gen(2048));
}

Bytes pkcs1_public(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int size = i2d_PublicKey(key, &der);
    Bytes out(der, der + size);
    OPENSSL_free(der);
    return out;
}

std::unique_ptr<X509_REQ, Freer> parse(const Bytes& der) {
    const unsigned char* cursor = der.data();
    return std::unique_ptr<X509_REQ, Freer>(
        d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size())));
}

} // namespace

TEST_CASE("the request names AMT, carries its key and attributes, and AMT can sign it", "[unit]") {
    auto key = rsa_key();
    crypto::RequestContent content{"ws01.corp.example", {"ws01.corp.example", "ws01"}, {}};
    content.attributes.push_back({"1.2.840.113549.1.9.7", Secret("challenge-123")});
    Bytes der = crypto::null_signed_request(pkcs1_public(key.get()), content);
    auto request = parse(der);
    REQUIRE(request);

    char cn[128] = {};
    X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(request.get()), NID_commonName, cn,
                              sizeof cn);
    CHECK(std::string(cn) == "ws01.corp.example");
    CHECK(EVP_PKEY_eq(X509_REQ_get0_pubkey(request.get()), key.get()) == 1);

    STACK_OF(X509_EXTENSION)* extensions = X509_REQ_get_extensions(request.get());
    auto* names = static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(extensions, NID_subject_alt_name, nullptr, nullptr));
    REQUIRE(names != nullptr);
    CHECK(sk_GENERAL_NAME_num(names) == 2);
    GENERAL_NAMES_free(names);
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);

    int index = X509_REQ_get_attr_by_NID(request.get(), NID_pkcs9_challengePassword, -1);
    REQUIRE(index >= 0);
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(X509_REQ_get_attr(request.get(), index), 0);
    REQUIRE(value->type == V_ASN1_UTF8STRING);
    CHECK(
        std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value->value.asn1_string)),
                    static_cast<std::size_t>(ASN1_STRING_length(value->value.asn1_string))) ==
        "challenge-123");

    // Not signed yet: what AMT does (GeneratePKCS10RequestEx) makes it verify.
    CHECK(X509_REQ_verify(request.get(), key.get()) != 1);
    REQUIRE(X509_REQ_sign(request.get(), key.get(), EVP_sha256()) > 0);
    CHECK(X509_REQ_verify(request.get(), key.get()) == 1);
}

TEST_CASE("a key that is not a PKCS#1 RSA public key is refused", "[unit]") {
    CHECK_THROWS_AS(crypto::null_signed_request(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, {"x", {}, {}}),
                    Error);
    auto key = rsa_key();
    Bytes der = pkcs1_public(key.get());
    der.push_back(0); // trailing garbage
    CHECK_THROWS_AS(crypto::null_signed_request(der, {"x", {}, {}}), Error);
}
