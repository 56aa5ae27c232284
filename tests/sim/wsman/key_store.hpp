// The simulated AMT's key store done with OpenSSL: RSA keys generated inside AMT, the public
// key AMT exports (DERKey), certificates parsed for their names and key, CSRs re-signed with
// the internal key (wsman.md sections 6 and 8). Pure functions over DER/PEM bytes.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace amtcfg::sim {

// A new RSA key of `bits` as an unencrypted PKCS#8 PEM (the state file keeps it: test data).
std::string generate_rsa_key_pem(int bits);

// AddKey: a private key as DER (PKCS#1 RSAPrivateKey or PKCS#8) as a PEM like
// generate_rsa_key_pem's, or "" when it is not an RSA private key.
std::string rsa_key_pem_from_der(ByteView der);

// The PKCS#1 RSAPublicKey DER of a private key PEM (AMT_PublicPrivateKeyPair.DERKey), or
// nothing when the PEM is not an RSA key.
std::optional<Bytes> rsa_public_key_der(const std::string& private_key_pem);

// What AMT_PublicKeyCertificate shows of a certificate, and its public key as PKCS#1 DER (empty
// for a key that is not RSA).
struct CertificateFacts {
    std::string subject; // "C=US,O=Example,CN=amt.example.com" (the certificate's order)
    std::string issuer;
    Bytes rsa_public_key;
    bool ca = false; // basicConstraints CA (or a self-signed v1 certificate)
};
// Nothing when `der` is not exactly one DER X.509 certificate.
std::optional<CertificateFacts> certificate_facts(ByteView der);

enum class ResignError { not_a_request, key_mismatch, signing_failed };
struct Resigned {
    std::optional<Bytes> request; // DER of the signed PKCS#10 request
    ResignError error = ResignError::not_a_request;
};
// GeneratePKCS10RequestEx: `request_der` must be one PKCS#10 request carrying the public key of
// `private_key_pem`; it is signed with that key and `sha256` (else SHA-1).
Resigned resign_request(ByteView request_der, const std::string& private_key_pem, bool sha256);

} // namespace amtcfg::sim
