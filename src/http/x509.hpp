// Small OpenSSL helpers for judging AMT's certificates: parsing, names, digests, chain checks.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace amtcfg::http {

struct X509Deleter {
    void operator()(X509* certificate) const { X509_free(certificate); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

// One DER certificate; nullptr unless the bytes are exactly one certificate.
X509Ptr parse_certificate(ByteView der);

// The DER encoding of `certificate`; empty when it cannot be encoded.
Bytes certificate_der(X509* certificate);

// The name as RFC 2253 prints it ("CN=AMT RCFG,O=..."), UTF-8.
std::string name_text(const X509_NAME* name);

// Every value of attribute `nid` (NID_commonName, NID_organizationalUnitName) in `name`, UTF-8.
std::vector<std::string> name_values(const X509_NAME* name, int nid);

// The first common name, or empty.
std::string common_name(const X509_NAME* name);

Bytes digest(ByteView data, const EVP_MD* algorithm);

// "be:b4:0b:..." for messages.
std::string fingerprint(ByteView hash);

// Verifies `chain[0]` at the current time to one of `anchors`, with the rest of `chain` as
// untrusted intermediates. Empty when it verifies; otherwise why not, in OpenSSL's words with
// the certificate it concerns ("certificate has expired (certificate 0, CN=AMT RCFG)").
// `partial_chain` lets an anchor that is not self-signed end the chain.
enum class AnchorKind { roots_only, any_certificate };
std::string verify_chain(const std::vector<X509Ptr>& chain, const std::vector<X509Ptr>& anchors,
                         AnchorKind kind);

} // namespace amtcfg::http
