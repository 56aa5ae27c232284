// OpenSSL helpers for judging AMT's certificates.
#include "x509.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/x509_vfy.h>

namespace amtcfg::http {
namespace {

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct StoreDeleter {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct StoreContextDeleter {
    void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
struct StackDeleter {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); } // not the elements
};

} // namespace

X509Ptr parse_certificate(ByteView der) {
    const unsigned char* at = der.data();
    X509Ptr certificate(d2i_X509(nullptr, &at, static_cast<long>(der.size())));
    if (certificate && at != der.data() + der.size()) {
        return nullptr; // trailing bytes: not one certificate
    }
    return certificate;
}

Bytes certificate_der(X509* certificate) {
    unsigned char* out = nullptr;
    int size = i2d_X509(certificate, &out);
    if (size <= 0) {
        return {};
    }
    Bytes der(out, out + size);
    OPENSSL_free(out);
    return der;
}

std::string name_text(const X509_NAME* name) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::vector<std::string> name_values(const X509_NAME* name, int nid) {
    std::vector<std::string> out;
    for (int at = X509_NAME_get_index_by_NID(name, nid, -1); at >= 0;
         at = X509_NAME_get_index_by_NID(name, nid, at)) {
        const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
        unsigned char* utf8 = nullptr;
        int size = ASN1_STRING_to_UTF8(&utf8, value);
        if (size >= 0) {
            out.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(size));
            OPENSSL_free(utf8);
        }
    }
    return out;
}

std::string common_name(const X509_NAME* name) {
    std::vector<std::string> names = name_values(name, NID_commonName);
    return names.empty() ? std::string() : names.front();
}

Bytes digest(ByteView data, const EVP_MD* algorithm) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &size, algorithm, nullptr);
    out.resize(size);
    return out;
}

std::string fingerprint(ByteView hash) {
    std::string out;
    for (std::uint8_t byte : hash) {
        out += fmt::format("{}{:02x}", out.empty() ? "" : ":", byte);
    }
    return out;
}

std::string verify_chain(const std::vector<X509Ptr>& chain, const std::vector<X509Ptr>& anchors,
                         AnchorKind kind) {
    std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
    std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
    std::unique_ptr<X509_STORE_CTX, StoreContextDeleter> context(X509_STORE_CTX_new());
    if (!store || !untrusted || !context || chain.empty()) {
        return "the chain could not be checked (out of memory or no certificate)";
    }
    for (const X509Ptr& anchor : anchors) {
        X509_STORE_add_cert(store.get(), anchor.get());
    }
    if (kind == AnchorKind::any_certificate) {
        X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    }
    for (std::size_t i = 1; i < chain.size(); ++i) {
        sk_X509_push(untrusted.get(), chain[i].get());
    }
    if (X509_STORE_CTX_init(context.get(), store.get(), chain.front().get(), untrusted.get()) !=
        1) {
        return "the chain could not be checked (OpenSSL could not start)";
    }
    // The current time (X509_STORE_CTX's default); no purpose: AMT's leaf may carry any EKU.
    if (X509_verify_cert(context.get()) == 1) {
        return {};
    }
    int error = X509_STORE_CTX_get_error(context.get());
    int depth = X509_STORE_CTX_get_error_depth(context.get());
    X509* at = X509_STORE_CTX_get_current_cert(context.get());
    std::string where = fmt::format("certificate {}", depth);
    if (at != nullptr) {
        where += ", " + name_text(X509_get_subject_name(at));
    }
    return fmt::format("{} ({})", X509_verify_cert_error_string(error), where);
}

} // namespace amtcfg::http
