// Reading the fields of X.509 certificates and hashing them.
#include "amtcfg/util/error.hpp"
#include "openssl.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <array>
#include <ctime>

namespace amtcfg::crypto {

namespace detail {

std::string last_error() {
    unsigned long code = ERR_get_error();
    clear_errors();
    if (code == 0) {
        return "unknown error";
    }
    const char* reason = ERR_reason_error_string(code);
    return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", code);
}

void clear_errors() {
    ERR_clear_error();
}

namespace {

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::vector<std::string> entries(const X509_NAME* name, int nid) {
    std::vector<std::string> out;
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, nid, i)) {
        unsigned char* utf8 = nullptr;
        int size =
            ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
        if (size >= 0) {
            out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(size));
            OPENSSL_free(utf8);
        }
    }
    return out;
}

std::vector<std::string> key_usages(X509* certificate) {
    std::vector<std::string> out;
    auto* usages = static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(certificate, NID_ext_key_usage, nullptr, nullptr));
    if (usages == nullptr) {
        return out;
    }
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
        std::array<char, 128> text{};
        OBJ_obj2txt(text.data(), static_cast<int>(text.size()), sk_ASN1_OBJECT_value(usages, i), 1);
        out.emplace_back(text.data());
    }
    EXTENDED_KEY_USAGE_free(usages);
    return out;
}

std::vector<std::string> dns_names_of(X509* certificate) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) {
        return out;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS) {
            const ASN1_IA5STRING* text = name->d.dNSName;
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                             static_cast<std::size_t>(ASN1_STRING_length(text)));
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::chrono::system_clock::time_point time_of(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
        return {};
    }
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

std::string digest_name(X509* certificate) {
    int digest = NID_undef;
    int key = NID_undef;
    if (OBJ_find_sigid_algs(X509_get_signature_nid(certificate), &digest, &key) != 1 ||
        digest == NID_undef) {
        return "unknown";
    }
    return OBJ_nid2sn(digest); // "SHA256" etc.
}

} // namespace

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

Certificate describe(X509* certificate) {
    Certificate out;
    out.der = der_of(certificate);
    const X509_NAME* subject = X509_get_subject_name(certificate);
    const X509_NAME* issuer = X509_get_issuer_name(certificate);
    out.subject = name_text(subject);
    out.issuer = name_text(issuer);
    auto names = entries(subject, NID_commonName);
    out.common_name = names.empty() ? "" : names.back();
    out.organizational_units = entries(subject, NID_organizationalUnitName);
    out.extended_key_usages = key_usages(certificate);
    out.dns_names = dns_names_of(certificate);
    out.not_before = time_of(X509_get0_notBefore(certificate));
    out.not_after = time_of(X509_get0_notAfter(certificate));
    out.signature_digest = digest_name(certificate);
    for (auto& c : out.signature_digest) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.self_issued = X509_NAME_cmp(subject, issuer) == 0;
    return out;
}

} // namespace detail

std::string_view to_string(HashAlgorithm algorithm) {
    switch (algorithm) {
    case HashAlgorithm::sha1:
        return "sha1";
    case HashAlgorithm::sha256:
        return "sha256";
    case HashAlgorithm::sha384:
        return "sha384";
    case HashAlgorithm::sha512:
        return "sha512";
    }
    return "?";
}

Bytes fingerprint(ByteView data, HashAlgorithm algorithm) {
    const EVP_MD* md = algorithm == HashAlgorithm::sha1     ? EVP_sha1()
                       : algorithm == HashAlgorithm::sha256 ? EVP_sha256()
                       : algorithm == HashAlgorithm::sha384 ? EVP_sha384()
                                                            : EVP_sha512();
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1) {
        throw Error(
            ErrorCategory::internal,
            fmt::format("cannot compute {}: {}", to_string(algorithm), detail::last_error()));
    }
    return out;
}

Certificate parse_certificate(ByteView der, std::string_view what) {
    const unsigned char* cursor = der.data();
    detail::X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (!certificate || cursor != der.data() + der.size()) {
        detail::clear_errors();
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} is not a DER X.509 certificate (give the certificate itself, "
                                "DER encoded)",
                                what));
    }
    return detail::describe(certificate.get());
}

std::string format_utc(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", parts);
}

} // namespace amtcfg::crypto
