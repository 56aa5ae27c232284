// The file issuer: a local CA (made with the openssl command) signs requests AMT would make.
#include "support.hpp"

#include <openssl/asn1.h>

using namespace amtcfg;
using namespace amtcfg::test;

namespace {

profile::Issuer file_config(const TempDir& dir) {
    profile::Issuer config;
    config.type = profile::IssuerType::file;
    config.ca_certificate = dir.file("ca.pem");
    config.ca_key = dir.file("ca.key");
    return config;
}

// Whether the certificate's notAfter is `days` from now (to within the test's own run time).
bool ends_in_days(X509* certificate, long days) {
    int whole_days = 0;
    int seconds = 0;
    REQUIRE(ASN1_TIME_diff(&whole_days, &seconds, nullptr, X509_get0_notAfter(certificate)) == 1);
    long left = whole_days * 86400L + seconds;
    return left <= days * 86400L && left > days * 86400L - 120;
}

bool has_server_auth(X509* certificate) {
    auto* usages = static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(certificate, NID_ext_key_usage, nullptr, nullptr));
    bool found = false;
    for (int i = 0; usages != nullptr && i < sk_ASN1_OBJECT_num(usages); ++i) {
        found = found || OBJ_obj2nid(sk_ASN1_OBJECT_value(usages, i)) == NID_server_auth;
    }
    EXTENDED_KEY_USAGE_free(usages);
    return found;
}

} // namespace

TEST_CASE("file: the local CA signs the request with its subject, key and names", "[unit]") {
    TempDir dir;
    make_ca(dir, "-days 3650");
    Context context;
    auto issuer = ca::make_issuer(file_config(dir), context.get());
    CHECK_THAT(issuer->describe(), Catch::Contains("Test Issuing CA"));
    CHECK(issuer->csr_attributes().empty());
    auto key = rsa_key();
    auto issued = issuer->issue(
        {signed_request(key.get(), "ws01.corp.example", {"ws01.corp.example", "ws01"}),
         "CN=ws01.corp.example"});

    Cert certificate = parse_der(issued.certificate_der);
    Cert ca = read_pem(dir.file("ca.pem"));
    CHECK(subject_of(certificate.get()) == "/CN=ws01.corp.example");
    CHECK(EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) == 1);
    CHECK(X509_verify(certificate.get(), X509_get0_pubkey(ca.get())) == 1);
    CHECK(X509_get_signature_nid(certificate.get()) == NID_sha256WithRSAEncryption);
    CHECK(dns_names_of(certificate.get()) == std::vector<std::string>{"ws01.corp.example", "ws01"});
    CHECK(has_server_auth(certificate.get()));
    CHECK(X509_check_ca(certificate.get()) == 0);
    CHECK(ends_in_days(certificate.get(), 365)); // the default
    CHECK(X509_cmp_time(X509_get0_notBefore(certificate.get()), nullptr) < 0);
    CHECK(issued.ca_chain == std::vector<Bytes>{der_of(ca.get())});
    CHECK(issuer->trust_anchors() == std::vector<Bytes>{der_of(ca.get())});

    // Each certificate has its own random serial number.
    auto again = issuer->issue({signed_request(key.get(), "ws01.corp.example"), ""});
    Cert second = parse_der(again.certificate_der);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(certificate.get()),
                           X509_get0_serialNumber(second.get())) != 0);
    CHECK(dns_names_of(second.get()).empty()); // no names requested, none added
    CHECK(context.asked.empty());
}

TEST_CASE("file: validity-days, never past the CA's own end", "[unit]") {
    TempDir dir;
    make_ca(dir, "-days 3650");
    Context context;
    auto config = file_config(dir);
    config.validity_days = 30;
    auto key = rsa_key();
    auto issued =
        ca::make_issuer(config, context.get())->issue({signed_request(key.get(), "a.example"), ""});
    CHECK(ends_in_days(parse_der(issued.certificate_der).get(), 30));

    TempDir short_lived;
    make_ca(short_lived, "-days 10");
    auto capped = ca::make_issuer(file_config(short_lived), context.get())
                      ->issue({signed_request(key.get(), "a.example"), ""});
    Cert certificate = parse_der(capped.certificate_der);
    Cert ca = read_pem(short_lived.file("ca.pem"));
    CHECK(ASN1_TIME_compare(X509_get0_notAfter(certificate.get()), X509_get0_notAfter(ca.get())) ==
          0);
}

TEST_CASE("file: an encrypted CA key is opened with its password", "[unit]") {
    TempDir dir;
    make_ca(dir);
    write_text(dir.file("pw"), "correct horse");
    run("openssl pkey -in '" + dir.file("ca.key") + "' -aes256 -passout 'file:" + dir.file("pw") +
        "' -out '" + dir.file("ca-enc.key") + "'");
    auto config = file_config(dir);
    config.ca_key = dir.file("ca-enc.key");
    config.ca_key_password = profile::SecretSetting{parse_secret_source("env:CA_PW"), 7};

    Context context;
    context.secret_value = "correct horse";
    auto issuer = ca::make_issuer(config, context.get());
    CHECK(context.asked == std::vector<std::string>{"CA key password"});
    auto key = rsa_key();
    CHECK_NOTHROW(issuer->issue({signed_request(key.get(), "a.example"), ""}));

    Context wrong;
    wrong.secret_value = "wrong";
    std::string message;
    CHECK(category_of([&] { ca::make_issuer(config, wrong.get()); }, &message) ==
          ErrorCategory::invalid_input);
    CHECK_THAT(message, Catch::StartsWith("cannot read CA key " + dir.file("ca-enc.key")));
    CHECK_THAT(message, !Catch::Contains("wrong"));

    config.ca_key_password.reset();
    CHECK(category_of([&] { ca::make_issuer(config, context.get()); }, &message) ==
          ErrorCategory::invalid_input);
    CHECK_THAT(message, Catch::EndsWith("(if it is encrypted, give ca-key-password-source)"));
}

TEST_CASE("file: unusable CA files are invalid input", "[unit]") {
    TempDir dir;
    make_ca(dir);
    TempDir other;
    make_ca(other);
    Context context;
    std::string message;
    auto config = file_config(dir);
    config.ca_key = other.file("ca.key");
    CHECK(category_of([&] { ca::make_issuer(config, context.get()); }, &message) ==
          ErrorCategory::invalid_input);
    CHECK_THAT(message, Catch::Contains("does not belong to the CA certificate"));

    config = file_config(dir);
    config.ca_certificate = dir.file("ca.key");
    CHECK(category_of([&] { ca::make_issuer(config, context.get()); }, &message) ==
          ErrorCategory::invalid_input);
    CHECK_THAT(message, Catch::EndsWith("holds no PEM certificate"));

    config = file_config(dir);
    config.ca_key = dir.file("missing.key");
    CHECK(category_of([&] { ca::make_issuer(config, context.get()); }) ==
          ErrorCategory::invalid_input);
}

TEST_CASE("file: a request whose signature does not verify is refused", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Context context;
    auto issuer = ca::make_issuer(file_config(dir), context.get());
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "a.example");
    Bytes tampered = request;
    tampered[tampered.size() - 10] ^= 0x01; // inside the signature value
    std::string message;
    CHECK(category_of(
              [&] {
                  issuer->issue({tampered, ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::Contains("signature does not verify"));

    Bytes truncated(request.begin(), request.begin() + 40);
    CHECK(category_of(
              [&] {
                  issuer->issue({truncated, ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::Contains("not a DER PKCS#10 request"));
}
