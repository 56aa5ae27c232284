// OpenSSL glue private to the crypto module: owning pointers, error text, X509 to Certificate.
#pragma once

#include "amtcfg/crypto/certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace amtcfg::crypto::detail {

template <auto Free> struct Deleter {
    template <typename T> void operator()(T* pointer) const { Free(pointer); }
};

using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;

// The reason of the last OpenSSL error (and clears the queue), or "unknown error".
std::string last_error();
// Clears the error queue after an expected failure.
void clear_errors();

Certificate describe(X509* certificate);
Bytes der_of(X509* certificate);

} // namespace amtcfg::crypto::detail
