// The simulated AMT's key store with OpenSSL (nothing hand-made).
#include "wsman/key_store.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace amtcfg::sim {
namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_REQ* p) const { X509_REQ_free(p); }
};
template <class T> using Owned = std::unique_ptr<T, Free>;

Owned<EVP_PKEY> read_key(const std::string& pem) {
    Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                            : nullptr);
    ERR_clear_error();
    return key;
}

std::optional<Bytes> pkcs1_of(EVP_PKEY* key) {
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return std::nullopt;
    }
    // For an RSA key i2d_PublicKey writes the PKCS#1 RSAPublicKey structure.
    int size = i2d_PublicKey(key, nullptr);
    if (size <= 0) {
        return std::nullopt;
    }
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    i2d_PublicKey(key, &cursor);
    return der;
}

std::string name_text(const X509_NAME* name) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    constexpr unsigned long k_flags =
        (XN_FLAG_ONELINE & ~XN_FLAG_SEP_MASK & ~XN_FLAG_SPC_EQ) | XN_FLAG_SEP_COMMA_PLUS;
    X509_NAME_print_ex(bio.get(), name, 0, k_flags);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size > 0 ? size : 0));
}

} // namespace

std::string generate_rsa_key_pem(int bits) {
    Owned<EVP_PKEY> key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!key || !bio ||
        PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1) {
        ERR_clear_error();
        return {};
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string rsa_key_pem_from_der(ByteView der) {
    const unsigned char* cursor = der.data();
    Owned<EVP_PKEY> key(d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!key || cursor != der.data() + der.size() ||
        EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        return {};
    }
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        ERR_clear_error();
        return {};
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::optional<Bytes> rsa_public_key_der(const std::string& private_key_pem) {
    auto key = read_key(private_key_pem);
    return pkcs1_of(key.get());
}

std::optional<CertificateFacts> certificate_facts(ByteView der) {
    const unsigned char* cursor = der.data();
    Owned<X509> cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!cert || cursor != der.data() + der.size()) {
        return std::nullopt;
    }
    CertificateFacts facts;
    facts.subject = name_text(X509_get_subject_name(cert.get()));
    facts.issuer = name_text(X509_get_issuer_name(cert.get()));
    facts.rsa_public_key = pkcs1_of(X509_get0_pubkey(cert.get())).value_or(Bytes{});
    facts.ca = X509_check_ca(cert.get()) != 0;
    ERR_clear_error();
    return facts;
}

Resigned resign_request(ByteView request_der, const std::string& private_key_pem, bool sha256) {
    const unsigned char* cursor = request_der.data();
    Owned<X509_REQ> request(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(request_der.size())));
    ERR_clear_error();
    if (!request || cursor != request_der.data() + request_der.size()) {
        return {std::nullopt, ResignError::not_a_request};
    }
    auto key = read_key(private_key_pem);
    auto wanted = pkcs1_of(key.get());
    auto offered = pkcs1_of(X509_REQ_get0_pubkey(request.get()));
    ERR_clear_error();
    if (!wanted || !offered || *wanted != *offered) {
        return {std::nullopt, ResignError::key_mismatch};
    }
    if (X509_REQ_sign(request.get(), key.get(), sha256 ? EVP_sha256() : EVP_sha1()) <= 0) {
        ERR_clear_error();
        return {std::nullopt, ResignError::signing_failed};
    }
    int size = i2d_X509_REQ(request.get(), nullptr);
    Bytes out(static_cast<std::size_t>(size > 0 ? size : 0));
    unsigned char* write = out.data();
    i2d_X509_REQ(request.get(), &write);
    return {std::move(out), ResignError::signing_failed};
}

} // namespace amtcfg::sim
