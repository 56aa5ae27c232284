// The cmp issuer against `openssl cmp`'s mock server: a p10cr with the request as it is,
// MAC-protected with reference + secret; a wrong secret and an unreachable server fail.
#include "servers.hpp"

using namespace amtcfg;
using namespace amtcfg::test;

namespace {

profile::Issuer cmp_config(const std::string& url) {
    profile::Issuer config;
    config.type = profile::IssuerType::cmp;
    config.url = url;
    config.reference = "amt-ref";
    config.secret = profile::SecretSetting{parse_secret_source("env:CMP_SECRET"), 5};
    return config;
}

// The mock answers with a fixed certificate: made here, by the test's CA, for the request.
std::string certificate_for(const TempDir& dir, const Bytes& request) {
    const unsigned char* cursor = request.data();
    Req req(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(request.size())));
    std::unique_ptr<BIO, Free_<BIO_free>> bio(BIO_new_file(dir.file("amt.csr").c_str(), "w"));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), req.get()) == 1);
    bio.reset();
    run(std::string(k_openssl) + " x509 -req -in '" + dir.file("amt.csr") + "' -CA '" +
        dir.file("ca.pem") + "' -CAkey '" + dir.file("ca.key") + "' -days 5 -out '" +
        dir.file("amt.pem") + "'");
    return dir.file("amt.pem");
}

} // namespace

TEST_CASE("cmp: the mock server issues for a MAC-protected p10cr", "[unit]") {
    TempDir dir;
    make_ca(dir);
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "ws01.corp.example", {"ws01.corp.example"});
    CmpMock mock(dir, "amt-ref", "cmp-shared-secret", certificate_for(dir, request));
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "cmp-shared-secret";
    auto config = cmp_config(mock.url());
    config.trusted_ca = dir.file("ca.pem");
    auto issuer = ca::make_issuer(config, context.get());
    CHECK(issuer->describe() == "CMP at " + mock.url());
    CHECK(issuer->csr_attributes().empty());
    auto issued = issuer->issue({request, "CN=ws01.corp.example"});
    CHECK(issued.certificate_der == der_of(read_pem(dir.file("amt.pem")).get()));
    CHECK(issued.ca_chain == std::vector<Bytes>{der_of(read_pem(dir.file("ca.pem")).get())});
    CHECK(issuer->trust_anchors() ==
          std::vector<Bytes>{der_of(read_pem(dir.file("ca.pem")).get())});
    CHECK(context.asked == std::vector<std::string>{"CMP shared secret"});
}

TEST_CASE("cmp: a wrong secret is refused with the server's status text", "[unit]") {
    TempDir dir;
    make_ca(dir);
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "ws01.corp.example");
    CmpMock mock(dir, "amt-ref", "cmp-shared-secret", certificate_for(dir, request));
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "not-the-secret";
    std::string message;
    CHECK(category_of(
              [&] {
                  ca::make_issuer(cmp_config(mock.url()), context.get())
                      ->issue({request, "CN=ws01.corp.example"});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("the CMP server at " + mock.url() +
                                          " refused the request for CN=ws01.corp.example: "));
    CHECK_THAT(message, Catch::Contains("rejection") && Catch::Contains("wrong pbm value"));
    CHECK_THAT(message, !Catch::Contains("not-the-secret"));
}

TEST_CASE("cmp: a certificate for another key is refused; an unreachable server fails", "[unit]") {
    TempDir dir;
    make_ca(dir);
    auto key = rsa_key();
    auto other = rsa_key();
    Bytes request = signed_request(key.get(), "a.example");
    CmpMock mock(dir, "amt-ref", "cmp-shared-secret",
                 certificate_for(dir, signed_request(other.get(), "a.example")));
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "cmp-shared-secret";
    std::string message;
    CHECK(category_of(
              [&] {
                  ca::make_issuer(cmp_config(mock.url()), context.get())->issue({request, "CN=a"});
              },
              &message) == ErrorCategory::certificate_failed);
    // OpenSSL's client checks the certificate against the request's key and rejects it (the
    // certConf it sends says so).
    CHECK_THAT(message, Catch::Contains("certificate not accepted"));

    std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/pkix/";
    CHECK(category_of(
              [&] {
                  ca::make_issuer(cmp_config(url), context.get())->issue({request, ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("CMP: cannot reach " + url + ": "));
}
