// SCEP messages (RFC 8894) on OpenSSL's PKCS#7: the GetCACaps and GetCACert answers, the
// pkiMessage a request is sent in, and the CertRep that answers it.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::ca::detail {

// RFC 8894 section 3.2.1.2: messageType values (PrintableString of the decimal number).
namespace scep_message_type {
inline constexpr std::string_view cert_rep = "3";
// Never sent: a RenewalReq is signed with the existing certificate's key, which only AMT holds
// (scep_issuer.cpp, issue()).
inline constexpr std::string_view renewal_req = "17";
inline constexpr std::string_view pkcs_req = "19";
inline constexpr std::string_view cert_poll = "20"; // GetCertInitial in older drafts
} // namespace scep_message_type

// The GetCACaps keywords amtcfg uses (RFC 8894 section 3.5.2); case-insensitive, one a line.
struct ScepCaps {
    bool post = false;          // POSTPKIOperation
    bool renewal = false;       // Renewal
    bool sha256 = false;        // SHA-256
    bool aes = false;           // AES
    bool scep_standard = false; // SCEPStandard: implies AES, POSTPKIOperation and SHA-256
};
ScepCaps parse_ca_caps(std::string_view text);

// What GetCACert returned (RFC 8894 section 4.2.1): a single CA certificate
// (application/x-x509-ca-cert) or a degenerate PKCS#7 with the CA and RA certificates
// (application/x-x509-ca-ra-cert, as NDES answers).
struct ScepCertificates {
    Bytes ca;               // the issuing CA
    Bytes recipient;        // requests are encrypted to it: the RA's encryption certificate, or
                            // the CA when there is no RA
    std::vector<Bytes> all; // every certificate: the ones a CertRep may be signed by
};
// Error(certificate_failed) naming what is wrong: another content type, no CA certificate, RA
// certificates the CA did not issue, no RA certificate for encryption.
ScepCertificates parse_ca_certificates(std::string_view content_type, ByteView body);

struct PkiRequest {
    std::string_view message_type;
    std::string transaction_id;
    Bytes sender_nonce;
    Bytes inner; // what is enveloped: the CSR (PKCSReq, RenewalReq) or IssuerAndSubject (CertPoll)
};

// The signed (by `signer`/`key`) pkiMessage around the request enveloped to `recipient`.
Bytes encode_pki_message(const PkiRequest& request, X509* recipient, X509* signer, EVP_PKEY* key,
                         const EVP_CIPHER* cipher, const EVP_MD* digest);

// IssuerAndSubject (RFC 8894 section 3.3.3) of CertPoll: the CA's name and the request's.
Bytes issuer_and_subject(X509_NAME* issuer, X509_NAME* subject);

struct CertRep {
    enum class Status { success, failure, pending } status = Status::failure;
    std::string fail_info; // failure: "badRequest" etc. (RFC 8894 section 3.2.1.4.5)
    Bytes enveloped;       // success: the pkcsPKIEnvelope
};

// Checks and reads a CertRep: signed by one of `signers` (DER), messageType CertRep, our
// transactionID and our senderNonce as its recipientNonce. Error(certificate_failed) otherwise.
CertRep decode_cert_rep(ByteView der, const std::vector<Bytes>& signers,
                        std::string_view transaction_id, ByteView sender_nonce);

// The certificates of a success CertRep's envelope, decrypted with the request's signer key
// (RFC 8894 section 3.3.2: a degenerate PKCS#7). Error(certificate_failed).
std::vector<Bytes> decrypt_certificates(ByteView enveloped, X509* signer, EVP_PKEY* key);

} // namespace amtcfg::ca::detail
