// OpenSSL glue of the ca module.
#include "ossl.hpp"

#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/file.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <limits>

namespace amtcfg::ca::detail {

namespace {
constexpr std::size_t k_max_pem_file = 1024 * 1024;
} // namespace

void free_extensions(STACK_OF(X509_EXTENSION) * extensions) {
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}

std::string last_error() {
    unsigned long code = ERR_peek_last_error();
    std::string text = "unknown error";
    if (code != 0) {
        const char* reason = ERR_reason_error_string(code);
        text = reason != nullptr ? reason : fmt::format("error {:#x}", code);
    }
    ERR_clear_error();
    return text;
}

BioPtr memory_bio(ByteView data) {
    if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw Error(ErrorCategory::internal, "buffer too large for OpenSSL");
    }
    // BIO_new_mem_buf refuses a null pointer, which an empty span may have.
    BioPtr bio(data.empty() ? BIO_new(BIO_s_mem())
                            : BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) {
        throw Error(ErrorCategory::internal, "out of memory");
    }
    return bio;
}

Bytes der_of(X509* certificate) {
    int size = i2d_X509(certificate, nullptr);
    if (size <= 0) {
        throw Error(ErrorCategory::internal, "cannot encode a certificate: " + last_error());
    }
    Bytes out(static_cast<std::size_t>(size));
    unsigned char* cursor = out.data();
    i2d_X509(certificate, &cursor);
    return out;
}

X509Ptr certificate_from_der(ByteView der) {
    const unsigned char* cursor = der.data();
    X509Ptr out(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (!out || cursor != der.data() + der.size()) {
        ERR_clear_error();
        return nullptr;
    }
    return out;
}

std::string subject_of(X509* certificate) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::vector<X509Ptr> pem_certificates(std::string_view text) {
    auto bio = memory_bio(as_bytes(text));
    std::vector<X509Ptr> out;
    while (X509Ptr certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        out.push_back(std::move(certificate));
    }
    ERR_clear_error(); // the end of the text
    return out;
}

std::vector<X509Ptr> load_pem_certificates(const std::string& path, std::string_view what) {
    Bytes data = read_whole_file(path, k_max_pem_file, what);
    auto out =
        pem_certificates(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (out.empty()) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} {} holds no PEM certificate", what, path));
    }
    return out;
}

namespace {
int password_callback(char* buffer, int size, int /*rwflag*/, void* user) {
    const auto* password = static_cast<const Secret*>(user);
    if (password == nullptr || password->size() > static_cast<std::size_t>(size)) {
        return -1;
    }
    password->reveal().copy(buffer, password->size());
    return static_cast<int>(password->size());
}
} // namespace

PKeyPtr load_pem_key(const std::string& path, const Secret* password, std::string_view what) {
    Bytes data = read_whole_file(path, k_max_pem_file, what);
    auto bio = memory_bio(data);
    PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback,
                                        const_cast<Secret*>(password)));
    wipe_bytes(data);
    if (!key) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot read {} {}: {}{}", what, path, last_error(),
                                password == nullptr ? " (if it is encrypted, give "
                                                      "ca-key-password-source)"
                                                    : ""));
    }
    return key;
}

ReqPtr verified_request(ByteView csr_der) {
    const unsigned char* cursor = csr_der.data();
    ReqPtr request(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(csr_der.size())));
    if (!request || cursor != csr_der.data() + csr_der.size()) {
        throw Error(ErrorCategory::certificate_failed,
                    "the certificate request is not a DER PKCS#10 request: " + last_error());
    }
    EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
    if (key == nullptr || X509_REQ_verify(request.get(), key) != 1) {
        throw Error(ErrorCategory::certificate_failed,
                    "the certificate request's signature does not verify with its own public "
                    "key (refused: it does not prove possession of the key)");
    }
    ERR_clear_error();
    return request;
}

std::string pem_of_request(X509_REQ* request) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509_REQ(bio.get(), request) != 1) {
        throw Error(ErrorCategory::internal, "cannot encode a request: " + last_error());
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string sha256_text(ByteView der) {
    Bytes digest = crypto::fingerprint(der, crypto::HashAlgorithm::sha256);
    std::string out;
    for (std::uint8_t byte : digest) {
        out += fmt::format("{}{:02X}", out.empty() ? "" : ":", byte);
    }
    return out;
}

} // namespace amtcfg::ca::detail
