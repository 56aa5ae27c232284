// Building the null-signed PKCS#10 request that AMT re-signs with its own key.
#include "amtcfg/crypto/csr.hpp"

#include "amtcfg/util/error.hpp"
#include "openssl.hpp"

#include <fmt/format.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace amtcfg::crypto {

namespace {

using detail::Deleter;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using ExtensionsPtr =
    std::unique_ptr<STACK_OF(X509_EXTENSION), decltype([](STACK_OF(X509_EXTENSION) * s) {
                        sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
                    })>;

detail::PKeyPtr rsa_public_key_of(ByteView der) {
    const unsigned char* cursor = der.data();
    detail::PKeyPtr key(
        d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size())));
    if (!key || cursor != der.data() + der.size()) {
        detail::clear_errors();
        throw Error(ErrorCategory::amt_unavailable,
                    "AMT's key pair is not a PKCS#1 RSA public key (AMT_PublicPrivateKeyPair."
                    "DERKey)");
    }
    return key;
}

void add_extension(STACK_OF(X509_EXTENSION) * extensions, int nid, const std::string& value) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, nullptr, nid, value.c_str());
    if (extension == nullptr) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot request \"{}\": {}", value, detail::last_error()));
    }
    sk_X509_EXTENSION_push(extensions, extension);
}

} // namespace

Bytes null_signed_request(ByteView rsa_public_key, const RequestContent& content) {
    auto key = rsa_public_key_of(rsa_public_key);
    ReqPtr request(X509_REQ_new());
    X509_REQ_set_version(request.get(), 0);
    X509_NAME* subject = X509_REQ_get_subject_name(request.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(content.common_name.c_str()),
                               -1, -1, 0);
    X509_REQ_set_pubkey(request.get(), key.get());

    ExtensionsPtr extensions(sk_X509_EXTENSION_new_null());
    if (!content.dns_names.empty()) {
        std::string names;
        for (const auto& name : content.dns_names) {
            names += (names.empty() ? "DNS:" : ",DNS:") + name;
        }
        add_extension(extensions.get(), NID_subject_alt_name, names);
    }
    add_extension(extensions.get(), NID_ext_key_usage, "serverAuth");
    X509_REQ_add_extensions(request.get(), extensions.get());
    for (const auto& attribute : content.attributes) {
        ASN1_OBJECT* oid = OBJ_txt2obj(attribute.oid.c_str(), 1);
        if (oid == nullptr) {
            detail::clear_errors();
            throw Error(ErrorCategory::internal,
                        fmt::format("\"{}\" is not an OID", attribute.oid));
        }
        const std::string& value = attribute.value.reveal();
        int added = X509_REQ_add1_attr_by_OBJ(request.get(), oid, V_ASN1_UTF8STRING,
                                              reinterpret_cast<const unsigned char*>(value.data()),
                                              static_cast<int>(value.size()));
        ASN1_OBJECT_free(oid);
        if (added != 1) {
            throw Error(ErrorCategory::internal, fmt::format("cannot add attribute {} to the "
                                                             "request: {}",
                                                             attribute.oid, detail::last_error()));
        }
    }
    // AMT replaces the signature: an empty one, with the algorithm AMT will use.
    X509_ALGOR* algorithm = X509_ALGOR_new();
    X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, nullptr);
    X509_REQ_set1_signature_algo(request.get(), algorithm);
    X509_ALGOR_free(algorithm);
    X509_REQ_set0_signature(request.get(), ASN1_BIT_STRING_new());

    int size = i2d_X509_REQ(request.get(), nullptr);
    if (size <= 0) {
        throw Error(ErrorCategory::internal,
                    fmt::format("cannot encode the certificate request: {}", detail::last_error()));
    }
    Bytes out(static_cast<std::size_t>(size));
    unsigned char* cursor = out.data();
    i2d_X509_REQ(request.get(), &cursor);
    // The request may hold the SCEP challenge: the caller wipes it after use.
    return out;
}

Bytes rsa_public_key_of_certificate(ByteView certificate_der) {
    const unsigned char* cursor = certificate_der.data();
    detail::X509Ptr certificate(
        d2i_X509(nullptr, &cursor, static_cast<long>(certificate_der.size())));
    EVP_PKEY* key = certificate ? X509_get0_pubkey(certificate.get()) : nullptr;
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        detail::clear_errors();
        return {};
    }
    unsigned char* der = nullptr;
    int size = i2d_PublicKey(key, &der);
    Bytes out;
    if (size > 0) {
        out.assign(der, der + size);
    }
    OPENSSL_free(der);
    return out;
}

} // namespace amtcfg::crypto
