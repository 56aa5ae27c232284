// Test-only PKI and the TLS configuration sequence (see pki.hpp).
#include "pki.hpp"

#include "wsman/soap.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace amtcfg::sim::test {
namespace {

std::vector<unsigned char> decode(const std::string& text) {
    std::vector<unsigned char> out(text.size());
    int size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
    if (size < 0) {
        throw std::runtime_error("bad base64 in a test");
    }
    out.resize(static_cast<std::size_t>(size) - (text.ends_with("==")  ? 2
                                                 : text.ends_with("=") ? 1
                                                                       : 0));
    return out;
}

std::string encode(const unsigned char* data, int size) {
    std::string out(4 * ((static_cast<std::size_t>(size) + 2) / 3) + 1, '\0');
    auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

template <class T, class F> std::string der_base64(T* object, F i2d) {
    int size = i2d(object, nullptr);
    std::vector<unsigned char> der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    i2d(object, &cursor);
    return encode(der.data(), size);
}

EVP_PKEY* rsa_public(const std::string& pkcs1_base64) {
    auto der = decode(pkcs1_base64);
    const unsigned char* cursor = der.data();
    EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size()));
    if (key == nullptr) {
        throw std::runtime_error("DERKey is not a PKCS#1 RSA public key");
    }
    return key;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
    BIO* bio = BIO_new_file(path.c_str(), "w");
    if (cert != nullptr) {
        PEM_write_bio_X509(bio, cert);
    }
    if (key != nullptr) {
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    }
    BIO_free(bio);
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

X509_REQ* request_for(EVP_PKEY* key, const std::string& cn) {
    X509_REQ* request = X509_REQ_new();
    X509_REQ_set_version(request, 0);
    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(request), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_REQ_set_pubkey(request, key);
    return request;
}

} // namespace

TestCa::TestCa(const std::string& name) {
    m_key = EVP_RSA_gen(2048);
    m_cert = X509_new();
    X509_set_version(m_cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(m_cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(m_cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(m_cert), 365L * 24 * 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(m_cert), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(m_cert, X509_get_subject_name(m_cert));
    X509_set_pubkey(m_cert, m_key);
    add_extension(m_cert, m_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(m_cert, m_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    X509_sign(m_cert, m_key, EVP_sha256());
    std::string pattern = (std::filesystem::temp_directory_path() / "amtcfg-pki-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_dir = pattern;
    m_ca_file = m_dir + "/ca.pem";
    write_pem(m_ca_file, m_cert, nullptr);
}

TestCa::~TestCa() {
    EVP_PKEY_free(m_key);
    X509_free(m_cert);
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
}

std::string TestCa::certificate_base64() const {
    return der_base64(m_cert, i2d_X509);
}

std::string TestCa::issue(EVP_PKEY* subject_key, const std::string& cn, bool client) const {
    static long serial = 100;
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 90L * 24 * 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(m_cert));
    X509_set_pubkey(cert, subject_key);
    add_extension(cert, m_cert, NID_ext_key_usage, client ? "clientAuth" : "serverAuth");
    if (!client) {
        add_extension(cert, m_cert, NID_subject_alt_name, ("DNS:" + cn).c_str());
    }
    X509_sign(cert, m_key, EVP_sha256());
    auto out = der_base64(cert, i2d_X509);
    X509_free(cert);
    return out;
}

std::string TestCa::issue_for_key(const std::string& rsa_public_key_base64,
                                  const std::string& cn) const {
    EVP_PKEY* key = rsa_public(rsa_public_key_base64);
    auto out = issue(key, cn, false);
    EVP_PKEY_free(key);
    return out;
}

std::string TestCa::issue_for_request(const std::string& request_base64) const {
    auto der = decode(request_base64);
    const unsigned char* cursor = der.data();
    X509_REQ* request = d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size()));
    std::string out;
    EVP_PKEY* key = request ? X509_REQ_get0_pubkey(request) : nullptr;
    if (key != nullptr && X509_REQ_verify(request, key) == 1) {
        char cn[256] = {};
        X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(request), NID_commonName, cn,
                                  sizeof cn);
        out = issue(key, cn, false);
    }
    ERR_clear_error();
    X509_REQ_free(request);
    return out;
}

TestCa::ClientFiles TestCa::client_identity(const std::string& cn) const {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    auto der = decode(issue(key, cn, true));
    const unsigned char* cursor = der.data();
    X509* cert = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
    ClientFiles files{m_dir + "/client-" + cn + ".pem", m_dir + "/client-" + cn + ".key"};
    BIO* bio = BIO_new_file(files.chain.c_str(), "w");
    PEM_write_bio_X509(bio, cert);
    PEM_write_bio_X509(bio, m_cert);
    BIO_free(bio);
    write_pem(files.key, nullptr, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    return files;
}

std::string null_signed_request(const std::string& rsa_public_key_base64, const std::string& cn) {
    EVP_PKEY* key = rsa_public(rsa_public_key_base64);
    X509_REQ* request = request_for(key, cn);
    X509_ALGOR* algorithm = X509_ALGOR_new();
    X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, nullptr);
    X509_REQ_set1_signature_algo(request, algorithm);
    X509_ALGOR_free(algorithm);
    ASN1_BIT_STRING* signature = ASN1_BIT_STRING_new();
    std::vector<unsigned char> zeros(256, 0);
    ASN1_BIT_STRING_set(signature, zeros.data(), static_cast<int>(zeros.size()));
    X509_REQ_set0_signature(request, signature);
    auto out = der_base64(request, i2d_X509_REQ);
    X509_REQ_free(request);
    EVP_PKEY_free(key);
    return out;
}

std::string foreign_request(const std::string& cn) {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509_REQ* request = request_for(key, cn);
    X509_REQ_sign(request, key, EVP_sha256());
    auto out = der_base64(request, i2d_X509_REQ);
    X509_REQ_free(request);
    EVP_PKEY_free(key);
    return out;
}

std::string enumerate_all(DigestClient& client, std::string_view class_name) {
    auto uri = class_uri(class_name);
    auto started = client.post(
        envelope(action::enumerate, uri,
                 "<Enumerate xmlns=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>"));
    REQUIRE(started.status == 200);
    auto context = element_text(started.body, "EnumerationContext");
    auto pulled = client.post(
        envelope(action::pull, uri,
                 "<Pull xmlns=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                 "<EnumerationContext>" +
                     context + "</EnumerationContext><MaxElements>99</MaxElements></Pull>"));
    REQUIRE(pulled.status == 200);
    REQUIRE(pulled.body.find("EndOfSequence") != std::string::npos);
    return pulled.body;
}

std::vector<std::string> values_of(const std::string& xml, std::string_view local) {
    return element_texts(xml, local);
}

std::string der_key_of(DigestClient& admin, const std::string& key_id) {
    auto keys = enumerate_all(admin, "AMT_PublicPrivateKeyPair");
    auto ids = element_texts(keys, "InstanceID");
    auto ders = element_texts(keys, "DERKey");
    for (std::size_t i = 0; i < ids.size() && i < ders.size(); ++i) {
        if (ids[i] == key_id) {
            return ders[i];
        }
    }
    return {};
}

namespace {

// Create sends the collection name Open AMT sends; Put echoes the one AMT reports (wsman.md
// section 6, and RPS for Put).
constexpr const char* k_collection_sent = "TLSProtocolEndpointInstances Collection";
constexpr const char* k_collection_reported = "TLSProtocolEndpoint Instances Collection";

std::string context_body(const std::string& certificate_id, const char* collection) {
    return fmt::format(
        "<h:AMT_TLSCredentialContext xmlns:h=\"{0}\"><h:ElementInContext>"
        "<a:Address>{1}</a:Address><a:ReferenceParameters><w:ResourceURI>{2}"
        "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"InstanceID\">{3}"
        "</w:Selector></w:SelectorSet></a:ReferenceParameters></h:ElementInContext>"
        "<h:ElementProvidingContext><a:Address>{1}</a:Address><a:ReferenceParameters>"
        "<w:ResourceURI>{4}</w:ResourceURI><w:SelectorSet><w:Selector "
        "Name=\"ElementName\">{5}</w:Selector>"
        "</w:SelectorSet></a:ReferenceParameters></h:ElementProvidingContext>"
        "</h:AMT_TLSCredentialContext>",
        class_uri("AMT_TLSCredentialContext"), ns::anonymous, class_uri("AMT_PublicKeyCertificate"),
        certificate_id, class_uri("AMT_TLSProtocolEndpointCollection"), collection);
}

// GenerateKeyPair, GeneratePKCS10RequestEx, the CA, AddCertificate.
TlsConfigured key_and_certificate(DigestClient& admin, const TestCa& ca, const std::string& cn) {
    TlsConfigured out;
    auto generated =
        admin.invoke("AMT_PublicKeyManagementService", "GenerateKeyPair",
                     "<h:KeyAlgorithm>0</h:KeyAlgorithm><h:KeyLength>2048</h:KeyLength>");
    REQUIRE(element_text(generated.body, "ReturnValue") == "0");
    out.key_id = element_text(generated.body, "Selector");
    auto der_key = der_key_of(admin, out.key_id);
    REQUIRE(!der_key.empty());
    auto signed_request = admin.invoke(
        "AMT_PublicKeyManagementService", "GeneratePKCS10RequestEx",
        fmt::format("<h:KeyPair><a:Address>{}</a:Address><a:ReferenceParameters>"
                    "<w:ResourceURI>{}</w:ResourceURI><w:SelectorSet><w:Selector "
                    "Name=\"InstanceID\">{}</w:Selector></w:SelectorSet></a:ReferenceParameters>"
                    "</h:KeyPair><h:SigningAlgorithm>1</h:SigningAlgorithm>"
                    "<h:NullSignedCertificateRequest>{}</h:NullSignedCertificateRequest>",
                    ns::anonymous, class_uri("AMT_PublicPrivateKeyPair"), out.key_id,
                    null_signed_request(der_key, cn)));
    REQUIRE(element_text(signed_request.body, "ReturnValue") == "0");
    out.certificate =
        ca.issue_for_request(element_text(signed_request.body, "SignedCertificateRequest"));
    REQUIRE(!out.certificate.empty());
    auto added = admin.invoke("AMT_PublicKeyManagementService", "AddCertificate",
                              "<h:CertificateBlob>" + out.certificate + "</h:CertificateBlob>");
    REQUIRE(element_text(added.body, "ReturnValue") == "0");
    out.certificate_id = element_text(added.body, "Selector");
    return out;
}

void commit(DigestClient& admin) {
    auto response = admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "");
    REQUIRE(element_text(response.body, "ReturnValue") == "0");
}

} // namespace

TlsConfigured renew_tls(DigestClient& admin, const TestCa& ca, const std::string& cn) {
    auto out = key_and_certificate(admin, ca, cn);
    auto put = admin.post(envelope(action::put, class_uri("AMT_TLSCredentialContext"),
                                   context_body(out.certificate_id, k_collection_reported)));
    REQUIRE(put.status == 200);
    commit(admin);
    return out;
}

TlsConfigured configure_tls(DigestClient& admin, const TestCa& ca, const TlsChoice& choice) {
    auto out = key_and_certificate(admin, ca, choice.cn);
    if (choice.mutual) {
        auto root =
            admin.invoke("AMT_PublicKeyManagementService", "AddTrustedRootCertificate",
                         "<h:CertificateBlob>" + ca.certificate_base64() + "</h:CertificateBlob>");
        REQUIRE(element_text(root.body, "ReturnValue") == "0");
        auto ta0 = element_text(
            admin.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "").body,
            "Ta0");
        auto now = std::to_string(std::time(nullptr));
        auto set = admin.invoke("AMT_TimeSynchronizationService", "SetHighAccuracyTimeSynch",
                                "<h:Ta0>" + ta0 + "</h:Ta0><h:Tm1>" + now + "</h:Tm1><h:Tm2>" +
                                    now + "</h:Tm2>");
        REQUIRE(element_text(set.body, "ReturnValue") == "0");
    }
    auto context = admin.post(envelope(action::create, class_uri("AMT_TLSCredentialContext"),
                                       context_body(out.certificate_id, k_collection_sent)));
    REQUIRE(context.status == 200);
    auto put = [&](const char* id, bool enabled) {
        auto response =
            admin.put("AMT_TLSSettingData",
                      fmt::format("<h:InstanceID>{}</h:InstanceID><h:Enabled>{}</h:Enabled>"
                                  "<h:MutualAuthentication>{}</h:MutualAuthentication>",
                                  id, enabled ? "true" : "false", choice.mutual ? "true" : "false"),
                      {{"InstanceID", id}});
        REQUIRE(response.status == 200);
    };
    put("Intel(r) AMT 802.3 TLS Settings", choice.remote);
    put("Intel(r) AMT LMS TLS Settings", choice.local);
    commit(admin);
    return out;
}

} // namespace amtcfg::sim::test
