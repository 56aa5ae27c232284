// The file issuer: a local CA certificate and key sign AMT's request (a lab, or RPS's
// "SelfSigned" mode).
#include "issuers.hpp"
#include "ossl.hpp"

#include "amtcfg/crypto/random.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

namespace amtcfg::ca::detail {

namespace {

// One year: long enough that renew-certificate-days (typically 30) renews it well ahead, short
// enough that a leaked key does not stay valid for long. RFC 5280 sets no limit.
constexpr unsigned k_default_validity_days = 365;
// notBefore is set this far back: AMT's clock and the verifier's may lag behind ours.
constexpr long k_backdate_seconds = 60L * 60L;
constexpr long k_seconds_per_day = 24L * 60L * 60L;
// RFC 5280 section 4.1.2.2: at most 20 octets, positive; 159 random bits with the top bit clear.
constexpr std::size_t k_serial_bytes = 20;

void add_extension(X509* certificate, X509V3_CTX* ctx, int nid, const char* value) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
    if (extension == nullptr || X509_add_ext(certificate, extension, -1) != 1) {
        X509_EXTENSION_free(extension);
        throw Error(ErrorCategory::internal,
                    fmt::format("cannot add extension {}: {}", OBJ_nid2sn(nid), last_error()));
    }
    X509_EXTENSION_free(extension);
}

// The subjectAltName of the request's extensionRequest, copied as it is.
void copy_subject_alt_name(X509_REQ* request, X509* certificate) {
    ExtsPtr extensions(X509_REQ_get_extensions(request));
    if (!extensions) {
        return;
    }
    for (int i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
        X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions.get(), i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(extension)) == NID_subject_alt_name) {
            X509_add_ext(certificate, extension, -1);
        }
    }
}

void set_serial(X509* certificate) {
    Bytes serial = crypto::random_bytes(k_serial_bytes);
    serial[0] &= 0x7f;
    serial[0] |= 0x01; // never zero, never shorter than the size says
    std::unique_ptr<BIGNUM, Deleter<BN_free>> number(
        BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
    if (!number ||
        BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) == nullptr) {
        throw Error(ErrorCategory::internal, "cannot set a serial number: " + last_error());
    }
}

class FileIssuer final : public Issuer {
public:
    FileIssuer(const profile::Issuer& config, IssuerContext context)
        : m_path(config.ca_certificate) {
        auto certificates = load_pem_certificates(config.ca_certificate, "CA certificate");
        for (auto& certificate : certificates) {
            m_chain.push_back(der_of(certificate.get()));
        }
        m_ca = std::move(certificates.front());
        std::optional<Secret> password;
        if (config.ca_key_password) {
            password = context.read_secret(*config.ca_key_password, "CA key password");
        }
        m_key = load_pem_key(config.ca_key, password ? &*password : nullptr, "CA key");
        if (X509_check_private_key(m_ca.get(), m_key.get()) != 1) {
            last_error();
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("the CA key {} does not belong to the CA certificate {} ({})",
                                    config.ca_key, config.ca_certificate, subject_of(m_ca.get())));
        }
        m_validity_days = config.validity_days.value_or(k_default_validity_days);
    }

    Issued issue(const Request& request) override {
        ReqPtr csr = verified_request(request.csr_der);
        X509Ptr certificate(X509_new());
        if (!certificate || X509_set_version(certificate.get(), 2) != 1 ||
            X509_set_issuer_name(certificate.get(), X509_get_subject_name(m_ca.get())) != 1 ||
            X509_set_subject_name(certificate.get(), X509_REQ_get_subject_name(csr.get())) != 1 ||
            X509_set_pubkey(certificate.get(), X509_REQ_get0_pubkey(csr.get())) != 1) {
            throw Error(ErrorCategory::internal, "cannot build a certificate: " + last_error());
        }
        set_serial(certificate.get());
        set_validity(certificate.get());
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, m_ca.get(), certificate.get(), nullptr, nullptr, 0);
        add_extension(certificate.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(certificate.get(), &ctx, NID_key_usage,
                      "critical,digitalSignature,keyEncipherment");
        add_extension(certificate.get(), &ctx, NID_ext_key_usage, "serverAuth");
        add_extension(certificate.get(), &ctx, NID_subject_key_identifier, "hash");
        add_extension(certificate.get(), &ctx, NID_authority_key_identifier, "keyid:always");
        copy_subject_alt_name(csr.get(), certificate.get());
        if (X509_sign(certificate.get(), m_key.get(), EVP_sha256()) <= 0) {
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the local CA {} cannot sign with SHA-256: {}",
                                    subject_of(m_ca.get()), last_error()));
        }
        return Issued{der_of(certificate.get()), m_chain};
    }

    std::vector<Bytes> trust_anchors() override { return {m_chain.front()}; }

    std::string describe() const override {
        return fmt::format("the local CA {} ({})", subject_of(m_ca.get()), m_path);
    }

private:
    // From an hour ago for validity-days, but never past the CA's own notAfter: a verifier
    // would refuse the part of the validity the CA does not cover.
    void set_validity(X509* certificate) const {
        X509_gmtime_adj(X509_getm_notBefore(certificate), -k_backdate_seconds);
        X509_gmtime_adj(X509_getm_notAfter(certificate),
                        static_cast<long>(m_validity_days) * k_seconds_per_day);
        if (X509_cmp_time(X509_get0_notAfter(m_ca.get()), nullptr) < 0) {
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the local CA certificate {} has expired", m_path));
        }
        if (ASN1_TIME_compare(X509_get0_notAfter(certificate), X509_get0_notAfter(m_ca.get())) >
            0) {
            X509_set1_notAfter(certificate, X509_get0_notAfter(m_ca.get()));
        }
    }

    std::string m_path;
    X509Ptr m_ca;
    PKeyPtr m_key;
    std::vector<Bytes> m_chain;
    unsigned m_validity_days = k_default_validity_days;
};

} // namespace

std::unique_ptr<Issuer> make_file_issuer(const profile::Issuer& config, IssuerContext context) {
    return std::make_unique<FileIssuer>(config, std::move(context));
}

} // namespace amtcfg::ca::detail
