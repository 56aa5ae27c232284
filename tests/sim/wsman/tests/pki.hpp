// Test-only PKI for the certificate-store tests: a CA made at test time with OpenSSL (the
// enterprise CA's part), null-signed PKCS#10 requests over a public key AMT exported (the
// client's part), and the TLS configuration sequence of wsman.md section 8 through a digest
// client, so the WS-Man, TLS and APF tests configure a device the same way.
#pragma once

#include "support.hpp"

#include <string>
#include <vector>

using EVP_PKEY = struct evp_pkey_st;
using X509 = struct x509_st;

namespace amtcfg::sim::test {

class TestCa {
public:
    // A self-signed RSA CA "CN=<name>", valid from an hour ago for a year; its files go into a
    // temporary directory removed by the destructor.
    explicit TestCa(const std::string& name = "Sim Test CA");
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    std::string certificate_base64() const; // DER
    const std::string& certificate_file() const { return m_ca_file; }
    // A server certificate "CN=<cn>" for `rsa_public_key_base64` (PKCS#1 DER, as DERKey).
    std::string issue_for_key(const std::string& rsa_public_key_base64,
                              const std::string& cn) const;
    // The certificate for a signed request (base64 DER); "" when its signature does not verify
    // with its own public key (what a CA checks: proof of possession).
    std::string issue_for_request(const std::string& request_base64) const;
    // A client certificate and key signed by this CA, as files (chain PEM: leaf, CA).
    struct ClientFiles {
        std::string chain;
        std::string key;
    };
    ClientFiles client_identity(const std::string& cn) const;

private:
    std::string issue(EVP_PKEY* subject_key, const std::string& cn, bool client) const;
    EVP_PKEY* m_key = nullptr;
    X509* m_cert = nullptr;
    std::string m_dir;
    std::string m_ca_file;
};

// A PKCS#10 request "CN=<cn>" over `rsa_public_key_base64` with a zero signature (AMT signs it).
std::string null_signed_request(const std::string& rsa_public_key_base64, const std::string& cn);
// A request over a fresh key of the test's own, properly signed (not AMT's key).
std::string foreign_request(const std::string& cn);

// Every instance of a class (Enumerate, then Pull until EndOfSequence), as response bodies.
std::string enumerate_all(DigestClient& client, std::string_view class_name);

// Values of `local` in instance order (tests only: one value per instance).
std::vector<std::string> values_of(const std::string& xml, std::string_view local);

struct TlsConfigured {
    std::string key_id;         // AMT_PublicPrivateKeyPair InstanceID
    std::string certificate_id; // AMT_PublicKeyCertificate InstanceID
    std::string certificate;    // base64 DER, as the CA issued it
};
struct TlsChoice {
    bool remote = true;
    bool local = false;
    bool mutual = false;
    std::string cn = "amt.sim.example";
};
// wsman.md section 8 (enterprise CA path): GenerateKeyPair, GeneratePKCS10RequestEx, the CA,
// AddCertificate, [AddTrustedRootCertificate + time sync for mutual], TLSCredentialContext
// Create, TLSSettingData Puts, CommitChanges. REQUIREs every step to succeed.
TlsConfigured configure_tls(DigestClient& admin, const TestCa& ca, const TlsChoice& choice);

// The DERKey AMT exports for a key pair ("" when it has no such key pair).
std::string der_key_of(DigestClient& admin, const std::string& key_id);

// Renewal as `maintain` would do it: a new key in AMT, its certificate from `ca`, the credential
// context Put to it, CommitChanges (REQUIREs each step).
TlsConfigured renew_tls(DigestClient& admin, const TestCa& ca, const std::string& cn);

} // namespace amtcfg::sim::test
