// The scep issuer: an RFC 8894 client (GetCACaps, GetCACert, PKCSReq, CertPoll while PENDING)
// over src/http's fetch(), as Microsoft NDES and other SCEP servers answer it.
#include "backoff.hpp"
#include "issuers.hpp"
#include "ossl.hpp"
#include "scep_wire.hpp"

#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/crypto/random.hpp"
#include "amtcfg/http/fetch.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>

#include <optional>

namespace amtcfg::ca::detail {

namespace {

constexpr std::size_t k_nonce_size = 16; // RFC 8894 section 3.2.1.5: 16 bytes
constexpr std::chrono::milliseconds k_first_poll{1000};
constexpr std::chrono::milliseconds k_max_poll{60'000};
constexpr int k_signer_key_bits = 2048;
constexpr long k_signer_validity_seconds = 24L * 60L * 60L;
// PKCS#9 challengePassword (RFC 2985 section 5.4.1).
constexpr const char* k_challenge_password_oid = "1.2.840.113549.1.9.7";

// A transient self-signed certificate and key that sign the pkiMessage and receive the
// encrypted answer: AMT holds the request's key, so amtcfg cannot sign with it. The request
// itself keeps AMT's signature (the proof of possession) inside the envelope.
struct Signer {
    PKeyPtr key;
    X509Ptr certificate;
};

Signer make_signer(X509_NAME* subject) {
    Signer out;
    out.key.reset(EVP_RSA_gen(k_signer_key_bits));
    out.certificate.reset(X509_new());
    X509* certificate = out.certificate.get();
    Bytes serial = crypto::random_bytes(8);
    serial[0] &= 0x7f;
    std::unique_ptr<BIGNUM, Deleter<BN_free>> number(
        BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
    bool built =
        out.key && certificate != nullptr && number && X509_set_version(certificate, 2) == 1 &&
        BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) != nullptr &&
        X509_set_subject_name(certificate, subject) == 1 &&
        X509_set_issuer_name(certificate, subject) == 1 &&
        X509_gmtime_adj(X509_getm_notBefore(certificate), -60L * 60L) != nullptr &&
        X509_gmtime_adj(X509_getm_notAfter(certificate), k_signer_validity_seconds) != nullptr &&
        X509_set_pubkey(certificate, out.key.get()) == 1 &&
        X509_sign(certificate, out.key.get(), EVP_sha256()) > 0;
    if (!built) {
        throw Error(ErrorCategory::internal,
                    "cannot make the SCEP request's signer certificate: " + last_error());
    }
    return out;
}

// RFC 8894 section 3.2.1.1: a hash of the public key is a good transactionID; it stays the same
// for the polls of one request.
std::string transaction_id_of(X509_REQ* request) {
    X509_PUBKEY* key = X509_REQ_get_X509_PUBKEY(request);
    int size = i2d_X509_PUBKEY(key, nullptr);
    Bytes der(static_cast<std::size_t>(std::max(size, 0)));
    unsigned char* cursor = der.data();
    i2d_X509_PUBKEY(key, &cursor);
    return to_hex(crypto::fingerprint(der, crypto::HashAlgorithm::sha256));
}

std::string base64_url_encoded(ByteView data) {
    std::string encoded(4 * ((data.size() + 2) / 3) + 1, '\0');
    int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data.data(),
                               static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(size));
    std::string out;
    for (char c : encoded) {
        out += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
    }
    return out;
}

class ScepIssuer final : public Issuer {
public:
    ScepIssuer(const profile::Issuer& config, IssuerContext context)
        : m_url(config.url), m_trusted_ca(config.trusted_ca), m_pin(config.ca_fingerprint),
          m_context(std::move(context)) {
        if (config.challenge) {
            m_challenge = clone_setting(*config.challenge);
        }
    }

    std::vector<CsrAttribute> csr_attributes() override {
        std::vector<CsrAttribute> out;
        if (m_challenge) {
            Secret challenge = m_context.read_secret(*m_challenge, "SCEP challenge password");
            m_context.log.add_secret(challenge.reveal());
            out.push_back({k_challenge_password_oid, "challengePassword", std::move(challenge)});
        }
        return out;
    }

    std::vector<Bytes> trust_anchors() override { return {ca_certificates().ca}; }

    std::string describe() const override { return fmt::format("SCEP at {}", m_url); }

    Issued issue(const Request& request) override {
        ReqPtr csr = verified_request(request.csr_der);
        const ScepCaps& caps = ca_caps();
        const ScepCertificates& certificates = ca_certificates();
        X509Ptr recipient = certificate_from_der(certificates.recipient);
        X509Ptr ca = certificate_from_der(certificates.ca);
        Signer signer = make_signer(X509_REQ_get_subject_name(csr.get()));
        const EVP_MD* digest = caps.sha256 ? EVP_sha256() : EVP_sha1();
        const EVP_CIPHER* cipher = caps.aes ? EVP_aes_128_cbc() : EVP_des_ede3_cbc();
        std::string transaction = transaction_id_of(csr.get());
        auto exchange = [&](std::string_view type, Bytes inner) {
            PkiRequest message{type, transaction, crypto::random_bytes(k_nonce_size),
                               std::move(inner)};
            Bytes body = encode_pki_message(message, recipient.get(), signer.certificate.get(),
                                            signer.key.get(), cipher, digest);
            return decode_cert_rep(pki_operation(caps, body), certificates.all, transaction,
                                   message.sender_nonce);
        };
        // Always PKCSReq, renewals too, even when GetCACaps offers "Renewal": RFC 8894 section
        // 3.3.1.2 has a RenewalReq signed with the existing certificate and its key, and that
        // key never leaves AMT, which signs nothing but PKCS#10 requests. A RenewalReq signed by
        // the transient key would claim a renewal nothing authenticates; the PKCSReq with the
        // challenge is what the CA accepts for a new key.
        m_context.log.debug("scep: PKCSReq for {} (transaction {})", request.subject, transaction);
        CertRep rep = exchange(scep_message_type::pkcs_req, request.csr_der);
        Backoff backoff(k_first_poll, k_max_poll);
        while (rep.status == CertRep::Status::pending) {
            auto wait = backoff.next();
            m_context.log.info("the SCEP server at {} holds the request as pending; asking again "
                               "in {} s",
                               m_url, wait.count() / 1000);
            wait_within(m_context.deadline, wait,
                        fmt::format("waiting for the SCEP server at {} to issue", m_url));
            rep = exchange(scep_message_type::cert_poll,
                           issuer_and_subject(X509_get_subject_name(ca.get()),
                                              X509_REQ_get_subject_name(csr.get())));
        }
        if (rep.status == CertRep::Status::failure) {
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the SCEP server at {} refused the request for {}: {} (SCEP "
                                    "failInfo)",
                                    m_url, request.subject, rep.fail_info));
        }
        return issued(
            csr.get(),
            decrypt_certificates(rep.enveloped, signer.certificate.get(), signer.key.get()),
            certificates.ca);
    }

private:
    Issued issued(X509_REQ* csr, std::vector<Bytes> certificates, const Bytes& ca) const {
        Issued out;
        for (auto& der : certificates) {
            X509Ptr certificate = certificate_from_der(der);
            if (out.certificate_der.empty() && certificate &&
                EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), X509_REQ_get0_pubkey(csr)) == 1) {
                out.certificate_der = std::move(der);
            } else {
                out.ca_chain.push_back(std::move(der));
            }
        }
        if (out.certificate_der.empty()) {
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the SCEP server at {} returned no certificate for the "
                                    "request's key",
                                    m_url));
        }
        if (std::find(out.ca_chain.begin(), out.ca_chain.end(), ca) == out.ca_chain.end()) {
            out.ca_chain.push_back(ca);
        }
        return out;
    }

    std::string operation_url(std::string_view operation, std::string_view message = "") const {
        std::string out = fmt::format("{}{}operation={}", m_url,
                                      m_url.find('?') == std::string::npos ? "?" : "&", operation);
        if (!message.empty()) {
            out += fmt::format("&message={}", message);
        }
        return out;
    }

    http::FetchResponse get(const http::FetchRequest& request, std::string_view what) const {
        http::FetchResponse response;
        try {
            response = http::fetch(request, m_context.deadline);
        } catch (const Error& error) {
            if (error.category() == ErrorCategory::timed_out) {
                throw;
            }
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("SCEP {}: {}", what, error.what()));
        }
        if (response.status != 200) {
            std::string text(
                response.body.begin(),
                response.body.begin() +
                    static_cast<std::ptrdiff_t>(std::min<std::size_t>(response.body.size(), 300)));
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the SCEP server at {} answered {} with HTTP {}: {}", m_url,
                                    what, response.status, strip_controls(text)));
        }
        return response;
    }

    Bytes pki_operation(const ScepCaps& caps, const Bytes& message) const {
        http::FetchRequest request;
        request.ca_file = m_trusted_ca;
        if (caps.post) {
            request.url = operation_url("PKIOperation");
            request.body = message;
            request.post_content_type = "application/x-pki-message";
        } else {
            request.url = operation_url("PKIOperation", base64_url_encoded(message));
        }
        return get(request, "PKIOperation").body;
    }

    const ScepCaps& ca_caps() {
        if (!m_caps) {
            auto response =
                get({operation_url("GetCACaps"), {}, "", m_trusted_ca, 64 * 1024}, "GetCACaps");
            m_caps = parse_ca_caps(std::string_view(
                reinterpret_cast<const char*>(response.body.data()), response.body.size()));
            m_context.log.debug("scep: {} offers POST {}, SHA-256 {}, AES {}, Renewal {}", m_url,
                                m_caps->post, m_caps->sha256, m_caps->aes, m_caps->renewal);
        }
        return *m_caps;
    }

    const ScepCertificates& ca_certificates() {
        if (!m_certificates) {
            auto response = get(
                {operation_url("GetCACert", "0"), {}, "", m_trusted_ca, 1024 * 1024}, "GetCACert");
            ScepCertificates certificates =
                parse_ca_certificates(response.content_type, response.body);
            check_pin(certificates.ca);
            m_certificates = std::move(certificates);
        }
        return *m_certificates;
    }

    void check_pin(const Bytes& ca) const {
        X509Ptr certificate = certificate_from_der(ca);
        std::string subject = subject_of(certificate.get());
        if (m_pin.empty()) {
            m_context.log.warning("the SCEP server at {} sent the CA certificate {} (SHA-256 {}); "
                                  "it is not pinned (ca-fingerprint)",
                                  m_url, subject, sha256_text(ca));
            return;
        }
        if (crypto::fingerprint(ca, crypto::HashAlgorithm::sha256) != m_pin) {
            std::string pinned;
            for (std::uint8_t byte : m_pin) {
                pinned += fmt::format("{}{:02X}", pinned.empty() ? "" : ":", byte);
            }
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the SCEP server at {} sent the CA certificate {} with the "
                                    "SHA-256 fingerprint {}, not the pinned ca-fingerprint {}",
                                    m_url, subject, sha256_text(ca), pinned));
        }
    }

    std::string m_url;
    std::string m_trusted_ca;
    Bytes m_pin;
    std::optional<profile::SecretSetting> m_challenge;
    IssuerContext m_context;
    std::optional<ScepCaps> m_caps;
    std::optional<ScepCertificates> m_certificates;
};

} // namespace

std::unique_ptr<Issuer> make_scep_issuer(const profile::Issuer& config, IssuerContext context) {
    return std::make_unique<ScepIssuer>(config, std::move(context));
}

} // namespace amtcfg::ca::detail
