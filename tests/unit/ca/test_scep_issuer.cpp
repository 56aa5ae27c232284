// The scep issuer against the Debian scep package's scepserver: issued with the right
// challenge, refused with a wrong one, the CA pin, an unreachable URL.
#include "fake_scep.hpp"
#include "servers.hpp"

#include "amtcfg/crypto/certificate.hpp"

using namespace amtcfg;
using namespace amtcfg::test;

namespace {

profile::Issuer scep_config(const std::string& url) {
    profile::Issuer config;
    config.type = profile::IssuerType::scep;
    config.url = url;
    config.challenge = profile::SecretSetting{parse_secret_source("env:SCEP_CHALLENGE"), 4};
    return config;
}

// The request as the flow builds it: with the attributes the issuer asks for.
Bytes request_with(ca::Issuer& issuer, EVP_PKEY* key, const std::string& cn) {
    std::string challenge;
    for (const auto& attribute : issuer.csr_attributes()) {
        REQUIRE(attribute.oid == "1.2.840.113549.1.9.7");
        challenge = attribute.value.reveal();
    }
    return signed_request(key, cn, {cn}, challenge);
}

} // namespace

TEST_CASE("scep: scepserver issues with the right challenge", "[unit]") {
    if (!have_program(k_scepserver)) {
        WARN("scepserver is missing (apt-get install scep): skipped");
        return;
    }
    ScepServer server("s3cret-challenge");
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "s3cret-challenge";
    auto issuer = ca::make_issuer(scep_config(server.url()), context.get());
    CHECK(issuer->describe() == "SCEP at " + server.url());
    auto attributes = issuer->csr_attributes();
    REQUIRE(attributes.size() == 1);
    CHECK(attributes[0].name == "challengePassword");
    CHECK(context.asked == std::vector<std::string>{"SCEP challenge password"});

    auto key = rsa_key();
    auto issued = issuer->issue(
        {request_with(*issuer, key.get(), "ws01.corp.example"), "CN=ws01.corp.example"});
    Cert certificate = parse_der(issued.certificate_der);
    Cert ca = read_pem(server.ca_pem());
    CHECK(EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) == 1);
    CHECK(X509_verify(certificate.get(), X509_get0_pubkey(ca.get())) == 1);
    CHECK_THAT(subject_of(certificate.get()), Catch::Contains("CN=ws01.corp.example"));
    CHECK(issued.ca_chain == std::vector<Bytes>{der_of(ca.get())});
    CHECK(issuer->trust_anchors() == std::vector<Bytes>{der_of(ca.get())});
}

TEST_CASE("scep: a wrong challenge is refused with what the server said", "[unit]") {
    if (!have_program(k_scepserver)) {
        WARN("scepserver is missing (apt-get install scep): skipped");
        return;
    }
    ScepServer server("s3cret-challenge");
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "wrong-challenge";
    auto issuer = ca::make_issuer(scep_config(server.url()), context.get());
    auto key = rsa_key();
    Bytes request = request_with(*issuer, key.get(), "ws01.corp.example");
    std::string message;
    CHECK(category_of(
              [&] {
                  issuer->issue({request, "CN=ws01.corp.example"});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("the SCEP server at " + server.url() +
                                          " refused the request for CN=ws01.corp.example: "));
    // scepserver answers a wrong challenge with a CertRep FAILURE, failInfo badRequest.
    CHECK_THAT(message, Catch::EndsWith(": badRequest (SCEP failInfo)"));
    CHECK_THAT(message, !Catch::Contains("wrong-challenge"));
}

TEST_CASE("scep: ca-fingerprint pins GetCACert's CA certificate", "[unit]") {
    if (!have_program(k_scepserver)) {
        WARN("scepserver is missing (apt-get install scep): skipped");
        return;
    }
    ScepServer server("s3cret-challenge");
    Context context(Deadline(std::chrono::seconds(60)));
    context.secret_value = "s3cret-challenge";
    Bytes ca_der = der_of(read_pem(server.ca_pem()).get());
    auto config = scep_config(server.url());
    config.ca_fingerprint = crypto::fingerprint(ca_der, crypto::HashAlgorithm::sha256);
    auto pinned = ca::make_issuer(config, context.get());
    CHECK(pinned->trust_anchors() == std::vector<Bytes>{ca_der});
    auto key = rsa_key();
    CHECK_NOTHROW(pinned->issue({request_with(*pinned, key.get(), "a.example"), "CN=a.example"}));

    config.ca_fingerprint[0] ^= 0xff;
    auto wrong = ca::make_issuer(config, context.get());
    std::string message;
    CHECK(category_of(
              [&] {
                  wrong->issue({request_with(*wrong, key.get(), "a.example"), ""});
              },
              &message) == ErrorCategory::certificate_failed);
    std::string actual = to_hex(crypto::fingerprint(ca_der, crypto::HashAlgorithm::sha256));
    std::string expected = to_hex(config.ca_fingerprint);
    auto colons = [](std::string hex) {
        std::string out;
        for (std::size_t i = 0; i < hex.size(); i += 2) {
            out += (i == 0 ? "" : ":") + hex.substr(i, 2);
        }
        std::transform(out.begin(), out.end(), out.begin(), ::toupper);
        return out;
    };
    CHECK_THAT(message, Catch::Contains("SHA-256 fingerprint " + colons(actual) +
                                        ", not the pinned ca-fingerprint " + colons(expected)));
}

TEST_CASE("scep: an unreachable server is certificate_failed naming the URL", "[unit]") {
    Context context(Deadline(std::chrono::seconds(30)));
    std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/scep";
    auto issuer = ca::make_issuer(scep_config(url), context.get());
    auto key = rsa_key();
    std::string message;
    CHECK(category_of(
              [&] {
                  issuer->issue({signed_request(key.get(), "a.example"), ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("SCEP GetCACaps: cannot reach " + url));
}

TEST_CASE("scep: a pending request is polled with CertPoll until it is issued", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Cert ca = read_pem(dir.file("ca.pem"));
    std::unique_ptr<BIO, Free_<BIO_free>> bio(BIO_new_file(dir.file("ca.key").c_str(), "r"));
    Key ca_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "ws01.corp.example");
    // The certificate the CA will hand out once it stops saying PENDING.
    Context file_context;
    profile::Issuer file;
    file.type = profile::IssuerType::file;
    file.ca_certificate = dir.file("ca.pem");
    file.ca_key = dir.file("ca.key");
    Bytes issued = ca::make_issuer(file, file_context.get())->issue({request, ""}).certificate_der;

    using Answer = FakeScep::Answer;
    FakeScep server(ca.get(), ca_key.get(), {Answer::pending, Answer::pending, Answer::success},
                    issued);
    Context context(Deadline(std::chrono::seconds(30)));
    auto config = scep_config(server.url());
    config.challenge.reset();
    auto result = ca::make_issuer(config, context.get())->issue({request, "CN=ws01"});
    CHECK(result.certificate_der == issued);
    CHECK(server.message_types() == std::vector<std::string>{"19", "20", "20"});

    // Pending for longer than --timeout allows: timed_out, after a poll or two.
    FakeScep slow(ca.get(), ca_key.get(), {}, issued);
    Context short_context(Deadline(std::chrono::milliseconds(2500)));
    auto slow_config = scep_config(slow.url());
    slow_config.challenge.reset();
    CHECK(category_of([&] {
              ca::make_issuer(slow_config, short_context.get())->issue({request, "CN=ws01"});
          }) == ErrorCategory::timed_out);
    CHECK(slow.message_types().size() >= 2);
}

TEST_CASE("scep: a CA that offers Renewal still gets a PKCSReq (AMT holds the certificate's key)",
          "[unit]") {
    // RFC 8894 section 3.3.1.2: a RenewalReq is signed with the existing certificate's key. That
    // key is inside AMT, which signs only PKCS#10 requests, so amtcfg renews with a new key and
    // a PKCSReq carrying the challenge, which the CA accepts as for the first certificate.
    TempDir dir;
    make_ca(dir);
    Cert ca = read_pem(dir.file("ca.pem"));
    std::unique_ptr<BIO, Free_<BIO_free>> bio(BIO_new_file(dir.file("ca.key").c_str(), "r"));
    Key ca_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "ws01.corp.example");
    Context file_context;
    profile::Issuer file;
    file.type = profile::IssuerType::file;
    file.ca_certificate = dir.file("ca.pem");
    file.ca_key = dir.file("ca.key");
    Bytes issued = ca::make_issuer(file, file_context.get())->issue({request, ""}).certificate_der;

    FakeScep server(ca.get(), ca_key.get(), {FakeScep::Answer::success}, issued,
                    "Renewal\nPOSTPKIOperation\nSHA-256\nAES\nSCEPStandard\n");
    Context context(Deadline(std::chrono::seconds(30)));
    auto config = scep_config(server.url());
    config.challenge.reset();
    auto result = ca::make_issuer(config, context.get())->issue({request, "CN=ws01"});
    CHECK(result.certificate_der == issued);
    CHECK(server.message_types() == std::vector<std::string>{"19"}); // PKCSReq, not 17
}
