// Reading the simulated AMT's TLS files (make-sim-tls.sh) with OpenSSL.
#include "tls_files.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace amtcfg::sim {
namespace {

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioFree> open_file(const std::string& path) {
    return std::unique_ptr<BIO, BioFree>(BIO_new_file(path.c_str(), "r"));
}

// How many certificates `path` holds (0 when it cannot be read).
int certificate_count(const std::string& path) {
    auto bio = open_file(path);
    int count = 0;
    while (bio) {
        std::unique_ptr<X509, X509Free> cert(
            PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert)
            break;
        ++count;
    }
    return count;
}

bool key_readable(const std::string& path) {
    auto bio = open_file(path);
    return bio && std::unique_ptr<EVP_PKEY, KeyFree>(
                      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) != nullptr;
}

} // namespace

std::optional<std::string> tls_dir_problem(const std::string& dir) {
    const std::pair<const char*, const char*> pairs[] = {{tls_file::amt_chain, tls_file::amt_key},
                                                         {tls_file::bad_chain, tls_file::bad_key},
                                                         {tls_file::post_cert, tls_file::post_key}};
    for (const auto& [cert, key] : pairs) {
        if (certificate_count(dir + "/" + cert) == 0)
            return dir + "/" + cert + " holds no readable certificate";
        if (!key_readable(dir + "/" + key))
            return dir + "/" + key + " holds no readable private key";
    }
    return std::nullopt;
}

Bytes amt_leaf_sha256(const std::string& dir) {
    auto path = dir + "/" + tls_file::amt_chain;
    auto bio = open_file(path);
    std::unique_ptr<X509, X509Free> leaf(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!leaf)
        throw std::runtime_error("cannot read AMT's TLS leaf from " + path);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (X509_digest(leaf.get(), EVP_sha256(), digest.data(), &size) != 1)
        throw std::runtime_error("cannot hash AMT's TLS leaf");
    return Bytes(digest.begin(), digest.begin() + size);
}

} // namespace amtcfg::sim
