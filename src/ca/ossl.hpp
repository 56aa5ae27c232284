// OpenSSL glue private to the ca module: owning pointers, PEM/DER loading, request checks.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/secret.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::ca::detail {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* pointer) const { Free(pointer); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
void free_extensions(STACK_OF(X509_EXTENSION) * extensions);
using ExtsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), Deleter<free_extensions>>;

// The reason of the last OpenSSL error (and clears the queue), or "unknown error".
std::string last_error();

BioPtr memory_bio(ByteView data);
Bytes der_of(X509* certificate);
X509Ptr certificate_from_der(ByteView der);
std::string subject_of(X509* certificate); // RFC 2253, for messages

// Every certificate of a PEM file (at least one), in file order; Error(invalid_input) naming
// `what` otherwise.
std::vector<X509Ptr> load_pem_certificates(const std::string& path, std::string_view what);
// Every certificate of PEM text; empty when there is none.
std::vector<X509Ptr> pem_certificates(std::string_view text);
// A PEM private key, decrypted with `password` when it is encrypted; Error(invalid_input).
PKeyPtr load_pem_key(const std::string& path, const Secret* password, std::string_view what);

// Parses AMT's request (DER) and checks its self-signature; Error(certificate_failed) when it
// is not a request or the signature does not verify (a request whose key AMT does not hold).
ReqPtr verified_request(ByteView csr_der);
std::string pem_of_request(X509_REQ* request);

// "AB:CD:..." SHA-256 of a certificate's DER, as `openssl x509 -fingerprint -sha256` prints it.
std::string sha256_text(ByteView der);

} // namespace amtcfg::ca::detail
