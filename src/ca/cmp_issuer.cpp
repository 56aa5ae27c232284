// The cmp issuer: OpenSSL's CMP client (RFC 4210) sends AMT's request as it is in a p10cr (AMT
// holds the key, so the request's own signature is the proof of possession), MAC-protected
// with the profile's reference and shared secret.
#include "issuers.hpp"
#include "ossl.hpp"

#include "amtcfg/http/fetch.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/cmp.h>
#include <openssl/err.h>

#include <array>
#include <optional>

namespace amtcfg::ca::detail {

namespace {

using CmpCtxPtr = std::unique_ptr<OSSL_CMP_CTX, Deleter<OSSL_CMP_CTX_free>>;
void free_certificates(STACK_OF(X509) * stack) {
    sk_X509_pop_free(stack, X509_free);
}
using CertsPtr = std::unique_ptr<STACK_OF(X509), Deleter<free_certificates>>;

// Without --timeout, one enrollment still ends after this long.
constexpr int k_max_total_seconds = 120;

// OpenSSL's CMP log callback has no user argument: the issuer that runs a transaction on this
// thread says where its lines go.
thread_local Log* t_log = nullptr;

int forward_log(const char* /*function*/, const char* /*file*/, int /*line*/,
                OSSL_CMP_severity level, const char* message) {
    if (t_log != nullptr && message != nullptr) {
        std::string text = strip_controls(message);
        if (level <= OSSL_CMP_LOG_ERR) {
            t_log->debug("cmp: error: {}", text);
        } else {
            t_log->trace("cmp: {}", text);
        }
    }
    return 1;
}

// RFC 6712 section 3.4: CMP messages travel over HTTP as application/pkixcmp.
constexpr const char* k_cmp_media_type = "application/pkixcmp";
constexpr std::size_t k_max_cmp_message = 1024 * 1024;

class CmpIssuer final : public Issuer {
public:
    CmpIssuer(const profile::Issuer& config, IssuerContext context)
        : m_url(config.url), m_reference(config.reference), m_trusted_ca(config.trusted_ca),
          m_context(std::move(context)) {
        if (config.secret) {
            m_secret_setting = clone_setting(*config.secret);
        }
        if (!m_trusted_ca.empty()) {
            m_anchors = trusted_certificates(m_trusted_ca, "trusted-ca");
        }
    }

    std::vector<Bytes> trust_anchors() override { return m_anchors; }

    std::string describe() const override { return fmt::format("CMP at {}", m_url); }

    Issued issue(const Request& request) override {
        ReqPtr csr = verified_request(request.csr_der);
        m_context.deadline.check(fmt::format("before contacting the CMP server at {}", m_url));
        CmpCtxPtr ctx(OSSL_CMP_CTX_new(nullptr, nullptr));
        if (!ctx) {
            throw Error(ErrorCategory::internal, "cannot create a CMP context: " + last_error());
        }
        configure(ctx.get(), csr.get());
        t_log = &m_context.log;
        m_transfer_error.reset();
        http::FetchSession session; // the transaction's messages on one connection
        m_session = &session;
        X509* issued = OSSL_CMP_exec_P10CR_ses(ctx.get());
        t_log = nullptr;
        if (issued == nullptr && m_transfer_error) {
            ERR_clear_error();
            throw *m_transfer_error;
        }
        if (issued == nullptr) {
            throw failure(ctx.get(), request);
        }
        if (EVP_PKEY_eq(X509_get0_pubkey(issued), X509_REQ_get0_pubkey(csr.get())) != 1) {
            throw Error(
                ErrorCategory::certificate_failed,
                fmt::format("the CMP server at {} returned a certificate for another key", m_url));
        }
        Issued out;
        out.certificate_der = der_of(issued);
        CertsPtr extra(OSSL_CMP_CTX_get1_extraCertsIn(ctx.get()));
        for (int i = 0; extra && i < sk_X509_num(extra.get()); ++i) {
            Bytes der = der_of(sk_X509_value(extra.get(), i));
            if (der != out.certificate_der) {
                out.ca_chain.push_back(std::move(der));
            }
        }
        return out;
    }

private:
    void configure(OSSL_CMP_CTX* ctx, X509_REQ* csr) {
        int seconds =
            std::max(1, m_context.deadline.remaining_ms(k_max_total_seconds * 1000) / 1000);
        // The messages go through src/http's fetch() (libcurl): the same deadline, https trust
        // (trusted-ca or the system's) and messages that name the URL as SCEP's.
        bool ok = OSSL_CMP_CTX_set_log_cb(ctx, forward_log) == 1 &&
                  OSSL_CMP_CTX_set_transfer_cb(ctx, transfer) == 1 &&
                  OSSL_CMP_CTX_set_transfer_cb_arg(ctx, this) == 1 &&
                  OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_TOTAL_TIMEOUT, seconds) == 1 &&
                  OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_MSG_TIMEOUT, seconds) == 1 &&
                  // A refusal may come unprotected (a wrong secret cannot be answered with it);
                  // it is read for its status text and ends the enrollment all the same.
                  OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1) == 1 &&
                  OSSL_CMP_CTX_set1_p10CSR(ctx, csr) == 1;
        if (ok && m_secret_setting) {
            Secret secret = m_context.read_secret(*m_secret_setting, "CMP shared secret");
            m_context.log.add_secret(secret.reveal());
            ok = OSSL_CMP_CTX_set1_referenceValue(
                     ctx, reinterpret_cast<const unsigned char*>(m_reference.data()),
                     static_cast<int>(m_reference.size())) == 1 &&
                 OSSL_CMP_CTX_set1_secretValue(
                     ctx, reinterpret_cast<const unsigned char*>(secret.reveal().data()),
                     static_cast<int>(secret.size())) == 1;
        }
        if (ok && !m_trusted_ca.empty()) {
            ok = OSSL_CMP_CTX_set0_trustedStore(ctx, trusted_store()) == 1;
        }
        if (!ok) {
            throw Error(ErrorCategory::internal,
                        "cannot configure the CMP client: " + last_error());
        }
    }

    X509_STORE* trusted_store() const {
        X509_STORE* store = X509_STORE_new();
        for (auto& certificate : load_pem_certificates(m_trusted_ca, "trusted-ca")) {
            X509_STORE_add_cert(store, certificate.get());
        }
        return store;
    }

    // OpenSSL's transfer callback: one request and its answer. C code calls it, so an Error is
    // kept for issue() to throw and the callback returns no answer.
    static OSSL_CMP_MSG* transfer(OSSL_CMP_CTX* ctx, const OSSL_CMP_MSG* request) {
        auto* self = static_cast<CmpIssuer*>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
        try {
            return self->post(request);
        } catch (const Error& error) {
            self->m_transfer_error = error;
        } catch (const std::exception& error) {
            self->m_transfer_error = Error(ErrorCategory::internal, error.what());
        }
        return nullptr;
    }

    OSSL_CMP_MSG* post(const OSSL_CMP_MSG* message) const {
        BioPtr encoded(BIO_new(BIO_s_mem()));
        if (i2d_OSSL_CMP_MSG_bio(encoded.get(), message) != 1) {
            throw Error(ErrorCategory::internal, "cannot encode a CMP message: " + last_error());
        }
        char* data = nullptr;
        long size = BIO_get_mem_data(encoded.get(), &data);
        http::FetchRequest request{m_url, Bytes(data, data + size), k_cmp_media_type, m_trusted_ca,
                                   k_max_cmp_message};
        http::FetchResponse response;
        try {
            response = m_session->fetch(request, m_context.deadline);
        } catch (const Error& error) {
            if (error.category() == ErrorCategory::timed_out) {
                throw;
            }
            throw Error(ErrorCategory::certificate_failed, fmt::format("CMP: {}", error.what()));
        }
        BioPtr answer = memory_bio(response.body);
        OSSL_CMP_MSG* out = d2i_OSSL_CMP_MSG_bio(answer.get(), nullptr);
        if (out == nullptr) {
            ERR_clear_error();
            throw Error(ErrorCategory::certificate_failed,
                        fmt::format("the CMP server at {} answered HTTP {} without a CMP message",
                                    m_url, response.status));
        }
        return out;
    }

    Error failure(OSSL_CMP_CTX* ctx, const Request& request) const {
        std::string reason = last_error();
        if (m_context.deadline.expired()) {
            return Error(ErrorCategory::timed_out,
                         fmt::format("the CMP server at {} did not answer before --timeout "
                                     "ended ({})",
                                     m_url, reason));
        }
        std::array<char, 1024> status{};
        std::string said;
        if (OSSL_CMP_CTX_get_status(ctx) >= 0 &&
            OSSL_CMP_CTX_snprint_PKIStatus(ctx, status.data(), status.size()) != nullptr) {
            said = strip_controls(status.data());
        }
        return Error(ErrorCategory::certificate_failed,
                     said.empty()
                         ? fmt::format("the CMP enrollment at {} for {} failed: {}", m_url,
                                       request.subject, reason)
                         : fmt::format("the CMP server at {} refused the request for {}: {} ({})",
                                       m_url, request.subject, said, reason));
    }

    std::string m_url;
    std::string m_reference;
    std::string m_trusted_ca;
    std::optional<profile::SecretSetting> m_secret_setting;
    IssuerContext m_context;
    std::vector<Bytes> m_anchors;
    std::optional<Error> m_transfer_error;
    http::FetchSession* m_session = nullptr; // during issue()
};

} // namespace

std::unique_ptr<Issuer> make_cmp_issuer(const profile::Issuer& config, IssuerContext context) {
    return std::make_unique<CmpIssuer>(config, std::move(context));
}

} // namespace amtcfg::ca::detail
