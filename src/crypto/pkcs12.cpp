// PKCS#12 loading and ordering of the provisioning chain from leaf to self-signed root.
#include "amtcfg/crypto/pkcs12.hpp"

#include "amtcfg/util/error.hpp"
#include "openssl.hpp"

#include <fmt/format.h>
#include <openssl/provider.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace amtcfg::crypto {

namespace {

using detail::PKeyPtr;
using detail::X509Ptr;

[[noreturn]] void fail(std::string_view name, const std::string& problem) {
    throw Error(ErrorCategory::invalid_input,
                fmt::format("provisioning certificate {}: {}", name, problem));
}

// True when `parent`'s subject is `child`'s issuer and `parent`'s key verifies the signature.
bool issued_by(X509* child, X509* parent) {
    if (X509_NAME_cmp(X509_get_issuer_name(child), X509_get_subject_name(parent)) != 0) {
        return false;
    }
    bool verified = X509_verify(child, X509_get0_pubkey(parent)) == 1;
    detail::clear_errors();
    return verified;
}

// Walks from the leaf to a self-signed root through `pool`, in whatever order the file had.
std::vector<X509*> order_chain(X509* leaf, const std::vector<X509*>& pool, std::string_view name) {
    constexpr std::size_t k_max_depth = 10;
    std::vector<X509*> chain{leaf};
    while (!issued_by(chain.back(), chain.back())) {
        X509* current = chain.back();
        X509* parent = nullptr;
        for (X509* candidate : pool) {
            bool used = std::find(chain.begin(), chain.end(), candidate) != chain.end();
            if (!used && issued_by(current, candidate)) {
                parent = candidate;
                break;
            }
        }
        if (parent == nullptr) {
            auto described = detail::describe(current);
            fail(name, fmt::format("the chain stops at \"{}\": its issuer \"{}\" is not in the "
                                   "file, so it does not reach a self-signed root (export the "
                                   "PKCS#12 with the whole chain, intermediates and root)",
                                   described.subject, described.issuer));
        }
        if (chain.size() == k_max_depth) {
            fail(name, "the chain is longer than 10 certificates (is it a loop?)");
        }
        chain.push_back(parent);
    }
    return chain;
}

detail::Pkcs12Ptr read_pkcs12(ByteView data, std::string_view name) {
    const unsigned char* cursor = data.data();
    detail::Pkcs12Ptr p12(d2i_PKCS12(nullptr, &cursor, static_cast<long>(data.size())));
    if (!p12) {
        detail::clear_errors();
        fail(name, "the file is not PKCS#12 (expected a .pfx/.p12 file with the certificate, "
                   "its chain and its private key)");
    }
    return p12;
}

// Parses with the default provider and, if the file uses pre-OpenSSL-3 algorithms (RC2, 3DES
// as in older Windows exports), once more with the legacy provider loaded as well.
bool parse(PKCS12* p12, const std::string& password, EVP_PKEY** key, X509** leaf,
           STACK_OF(X509) * *extra) {
    if (PKCS12_parse(p12, password.c_str(), key, leaf, extra) == 1) {
        return true;
    }
    detail::clear_errors();
    // Loaded once for the life of the process (each load takes a reference); keeping the
    // default provider as a fallback.
    static OSSL_PROVIDER* const legacy = OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
    if (legacy == nullptr) {
        detail::clear_errors();
        return false;
    }
    bool parsed = PKCS12_parse(p12, password.c_str(), key, leaf, extra) == 1;
    detail::clear_errors();
    return parsed;
}

// A file without a MAC has nothing to check here; a wrong password then shows as a decryption
// failure. An empty password may have been encoded as absent or as "", so both are tried.
bool mac_verifies(PKCS12* p12, const std::string& password) {
    if (PKCS12_mac_present(p12) != 1) {
        return true;
    }
    bool ok = PKCS12_verify_mac(p12, password.c_str(), static_cast<int>(password.size())) == 1 ||
              (password.empty() && PKCS12_verify_mac(p12, nullptr, 0) == 1);
    detail::clear_errors();
    return ok;
}

} // namespace

ProvisioningChain load_pkcs12(ByteView data, const Secret& password, std::string_view name) {
    auto p12 = read_pkcs12(data, name);
    const std::string& pass = password.reveal();
    if (!mac_verifies(p12.get(), pass)) {
        fail(name, "the password is wrong (check the password-source of "
                   "<provisioning-certificate>)");
    }
    EVP_PKEY* raw_key = nullptr;
    X509* raw_leaf = nullptr;
    STACK_OF(X509)* raw_extra = nullptr;
    if (!parse(p12.get(), pass, &raw_key, &raw_leaf, &raw_extra)) {
        fail(name, "cannot decrypt its contents (unsupported encryption; re-export it with "
                   "AES-256)");
    }
    PKeyPtr key(raw_key);
    X509Ptr leaf(raw_leaf);
    std::vector<X509Ptr> extra;
    for (int i = 0; i < sk_X509_num(raw_extra); ++i) {
        extra.emplace_back(sk_X509_value(raw_extra, i));
    }
    sk_X509_free(raw_extra);
    if (!key) {
        fail(name, "it has no private key (export it together with the private key)");
    }
    if (!leaf) {
        fail(name, "no certificate in it matches the private key (export the key with its "
                   "certificate)");
    }
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        fail(name, "the private key is not RSA; AMT's AdminSetup signature needs an RSA key");
    }
    std::vector<X509*> pool;
    for (auto& certificate : extra) {
        pool.push_back(certificate.get());
    }
    ProvisioningChain out{PrivateKey(std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free)), {}};
    for (X509* certificate : order_chain(leaf.get(), pool, name)) {
        out.chain.push_back(detail::describe(certificate));
    }
    return out;
}

ProvisioningChain load_pkcs12_file(const std::string& path, const Secret& password) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot read the provisioning certificate {}: {} (check file= on "
                                "<provisioning-certificate>)",
                                path, std::strerror(errno)));
    }
    Bytes data(k_max_pkcs12_size + 1);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    if (data.size() > k_max_pkcs12_size) {
        fail(path, "the file is larger than 1 MiB (is it the right file?)");
    }
    return load_pkcs12(data, password, path);
}

} // namespace amtcfg::crypto
