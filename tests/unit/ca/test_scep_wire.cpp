// SCEP answers: GetCACaps keywords, GetCACert as a single CA certificate or an NDES-style
// bundle (CA, RA signing and RA encryption certificates), and the refusals.
#include "scep_wire.hpp"
#include "support.hpp"

#include <fstream>
#include <iterator>

using namespace amtcfg;
using namespace amtcfg::test;
using namespace amtcfg::ca::detail;

namespace {

Bytes read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An RA certificate `name` with `usage` issued by the CA of make_ca() in `dir`.
void make_ra(const TempDir& dir, const std::string& name, const std::string& usage,
             const std::string& ca = "ca") {
    run("openssl req -new -newkey rsa:2048 -nodes -subj '/CN=" + name + "' -keyout '" +
        dir.file(name + ".key") + "' -out '" + dir.file(name + ".csr") + "'");
    write_text(dir.file(name + ".ext"), "keyUsage=critical," + usage + "\n");
    run("openssl x509 -req -in '" + dir.file(name + ".csr") + "' -CA '" + dir.file(ca + ".pem") +
        "' -CAkey '" + dir.file(ca + ".key") + "' -days 5 -extfile '" + dir.file(name + ".ext") +
        "' -out '" + dir.file(name + ".pem") + "'");
}

Bytes bundle(const TempDir& dir, const std::vector<std::string>& names) {
    std::string files;
    for (const auto& name : names) {
        files += " -certfile '" + dir.file(name + ".pem") + "'";
    }
    run("openssl crl2pkcs7 -nocrl" + files + " -outform DER -out '" + dir.file("bundle.p7") + "'");
    return read_bytes(dir.file("bundle.p7"));
}

Bytes der_file(const TempDir& dir, const std::string& name) {
    return der_of(read_pem(dir.file(name + ".pem")).get());
}

std::string refusal(const std::string& type, const Bytes& body) {
    std::string message;
    CHECK(category_of([&] { parse_ca_certificates(type, body); }, &message) ==
          ErrorCategory::certificate_failed);
    return message;
}

} // namespace

TEST_CASE("scep: GetCACaps keywords", "[unit]") {
    auto caps = parse_ca_caps("Renewal\r\nSHA-1\r\nsha-256\r\nDES3\r\nPOSTPKIOperation\r\n");
    CHECK(caps.renewal);
    CHECK(caps.sha256);
    CHECK(caps.post);
    CHECK(!caps.aes);
    CHECK(!caps.scep_standard);
    auto standard = parse_ca_caps("SCEPStandard");
    CHECK((standard.post && standard.sha256 && standard.aes && !standard.renewal));
    auto none = parse_ca_caps("");
    CHECK((!none.post && !none.sha256 && !none.aes && !none.renewal));
}

TEST_CASE("scep: GetCACert with one CA certificate", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Bytes ca = der_file(dir, "ca");
    auto certificates = parse_ca_certificates("application/x-x509-ca-cert", ca);
    CHECK(certificates.ca == ca);
    CHECK(certificates.recipient == ca);
    CHECK(certificates.all == std::vector<Bytes>{ca});

    make_ra(dir, "leaf", "digitalSignature");
    CHECK_THAT(refusal("application/x-x509-ca-cert", der_file(dir, "leaf")),
               Catch::EndsWith("is not a CA certificate"));
    CHECK_THAT(refusal("application/x-x509-ca-cert", Bytes{0x30, 0x00}),
               Catch::Contains("is not a DER certificate"));
    CHECK(refusal("text/html; charset=utf-8", ca) ==
          "GetCACert answered with the content type \"text/html; charset=utf-8\" (expected "
          "application/x-x509-ca-cert or application/x-x509-ca-ra-cert)");
}

TEST_CASE("scep: GetCACert with RA certificates, as NDES answers", "[unit]") {
    TempDir dir;
    make_ca(dir);
    make_ra(dir, "ra-sign", "digitalSignature");
    make_ra(dir, "ra-encrypt", "keyEncipherment");
    // In either order, the request goes to the encryption certificate.
    for (const auto& order : {std::vector<std::string>{"ra-sign", "ra-encrypt", "ca"},
                              std::vector<std::string>{"ca", "ra-encrypt", "ra-sign"}}) {
        auto certificates =
            parse_ca_certificates("application/x-x509-ca-ra-cert", bundle(dir, order));
        CHECK(certificates.ca == der_file(dir, "ca"));
        CHECK(certificates.recipient == der_file(dir, "ra-encrypt"));
        CHECK(certificates.all.size() == 3);
    }
    // Only a signing RA certificate: nothing to encrypt to.
    CHECK_THAT(refusal("application/x-x509-ca-ra-cert", bundle(dir, {"ca", "ra-sign"})),
               Catch::Contains("allow no key encipherment"));
    // An RA certificate from another CA is not the pinned CA's.
    TempDir other;
    make_ca(other);
    make_ra(other, "foreign", "keyEncipherment");
    run("cp '" + other.file("foreign.pem") + "' '" + dir.file("foreign.pem") + "'");
    CHECK_THAT(
        refusal("application/x-x509-ca-ra-cert", bundle(dir, {"ca", "ra-encrypt", "foreign"})),
        Catch::Contains("is not issued by the CA"));
    CHECK_THAT(refusal("application/x-x509-ca-ra-cert", bundle(dir, {"ra-encrypt"})),
               Catch::Contains("no CA certificate"));
    CHECK_THAT(refusal("application/x-x509-ca-ra-cert", der_file(dir, "ca")),
               Catch::Contains("is not a PKCS#7 certificate bundle"));
}

TEST_CASE("scep: a CertRep must be signed by GetCACert's certificates and answer our request",
          "[unit]") {
    TempDir dir;
    make_ca(dir);
    TempDir other;
    make_ca(other);
    Cert ca = read_pem(dir.file("ca.pem"));
    std::unique_ptr<BIO, Free_<BIO_free>> bio(BIO_new_file(dir.file("ca.key").c_str(), "r"));
    Key ca_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(ca_key);
    const Bytes nonce(16, 0x42);
    // Messages signed with the CA's key, built by the request encoder with chosen attributes.
    auto signed_by_ca = [&](std::string_view type, const std::string& transaction) {
        PkiRequest message{type, transaction, nonce, Bytes{0x30, 0x00}};
        return encode_pki_message(message, ca.get(), ca.get(), ca_key.get(), EVP_aes_128_cbc(),
                                  EVP_sha256());
    };
    auto refusal_of = [&](const Bytes& der, const std::vector<Bytes>& signers) {
        std::string message;
        CHECK(category_of([&] { decode_cert_rep(der, signers, "T1", nonce); }, &message) ==
              ErrorCategory::certificate_failed);
        return message;
    };
    Bytes ca_der = der_of(ca.get());
    Bytes foreign = der_of(read_pem(other.file("ca.pem")).get());
    CHECK_THAT(refusal_of(signed_by_ca(scep_message_type::cert_rep, "T1"), {foreign}),
               Catch::StartsWith("the SCEP answer's signature does not verify"));
    CHECK(refusal_of(signed_by_ca(scep_message_type::pkcs_req, "T1"), {ca_der}) ==
          "the SCEP answer is not a CertRep (messageType 19)");
    CHECK(refusal_of(signed_by_ca(scep_message_type::cert_rep, "T2"), {ca_der}) ==
          "the SCEP answer is for another transaction (transactionID differs)");
    // Our encoder sends senderNonce, not recipientNonce: as an answer it echoes no nonce.
    CHECK_THAT(refusal_of(signed_by_ca(scep_message_type::cert_rep, "T1"), {ca_der}),
               Catch::StartsWith("the SCEP answer's recipientNonce is not the request's"));
    CHECK(refusal_of(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}, {ca_der}) ==
          "the SCEP answer is not a PKCS#7 signedData");
}
