// The cmp issuer: OpenSSL's CMP client (RFC 4210) sends AMT's request as it is in a p10cr (AMT
// holds the key, so the request's own signature is the proof of possession), MAC-protected
// with the profile's reference and shared secret.
#include "issuers.hpp"
#include "ossl.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ssl.h>

#include <array>
#include <optional>

namespace amtcfg::ca::detail {

namespace {

using CmpCtxPtr = std::unique_ptr<OSSL_CMP_CTX, Deleter<OSSL_CMP_CTX_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
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

// https: the TLS layer under OpenSSL's HTTP client, verifying the server's certificate and
// name with the trusted-ca file (or the system's CAs).
struct TlsArgument {
    SSL_CTX* context;
    std::string host;
};

BIO* tls_callback(BIO* bio, void* argument, int connect, int detail) {
    auto* tls = static_cast<TlsArgument*>(argument);
    if (connect != 0 && detail != 0) { // connecting, and the URL is https
        BIO* ssl_bio = BIO_new_ssl(tls->context, 1);
        SSL* ssl = nullptr;
        if (ssl_bio == nullptr ||
            BIO_ctrl(ssl_bio, BIO_C_GET_SSL, 0, static_cast<void*>(&ssl)) != 1 ||
            SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     tls->host.data()) != 1 ||
            SSL_set1_host(ssl, tls->host.c_str()) != 1) {
            BIO_free(ssl_bio);
            return nullptr;
        }
        return BIO_push(ssl_bio, bio);
    }
    if (connect == 0 && detail == 0) { // done, with an error: pop the SSL BIO it pushed
        BIO* ssl_bio = bio;
        bio = BIO_pop(bio);
        BIO_free(ssl_bio);
    }
    return bio;
}

struct ParsedUrl {
    bool tls = false;
    std::string host;
    int port = 0;
    std::string path;
};

ParsedUrl parse_url(const std::string& url) {
    int ssl = 0;
    char* host = nullptr;
    char* path = nullptr;
    int port = 0;
    if (OSSL_HTTP_parse_url(url.c_str(), &ssl, nullptr, &host, nullptr, &port, &path, nullptr,
                            nullptr) != 1) {
        ERR_clear_error();
        throw Error(ErrorCategory::invalid_input, fmt::format("cannot parse the CMP URL {}", url));
    }
    ParsedUrl out{ssl != 0, host, port, path};
    OPENSSL_free(host);
    OPENSSL_free(path);
    return out;
}

class CmpIssuer final : public Issuer {
public:
    CmpIssuer(const profile::Issuer& config, IssuerContext context)
        : m_url(config.url), m_reference(config.reference), m_trusted_ca(config.trusted_ca),
          m_parsed(parse_url(config.url)), m_context(std::move(context)) {
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
        X509* issued = OSSL_CMP_exec_P10CR_ses(ctx.get());
        t_log = nullptr;
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
        bool ok = OSSL_CMP_CTX_set_log_cb(ctx, forward_log) == 1 &&
                  OSSL_CMP_CTX_set1_server(ctx, m_parsed.host.c_str()) == 1 &&
                  OSSL_CMP_CTX_set_serverPort(ctx, m_parsed.port) == 1 &&
                  OSSL_CMP_CTX_set1_serverPath(ctx, m_parsed.path.c_str()) == 1 &&
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
        if (ok && m_parsed.tls) {
            ok = configure_tls(ctx);
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

    bool configure_tls(OSSL_CMP_CTX* ctx) {
        m_tls_context.reset(SSL_CTX_new(TLS_client_method()));
        if (!m_tls_context) {
            return false;
        }
        SSL_CTX_set_verify(m_tls_context.get(), SSL_VERIFY_PEER, nullptr);
        bool loaded =
            m_trusted_ca.empty()
                ? SSL_CTX_set_default_verify_paths(m_tls_context.get()) == 1
                : SSL_CTX_load_verify_file(m_tls_context.get(), m_trusted_ca.c_str()) == 1;
        m_tls_argument = TlsArgument{m_tls_context.get(), m_parsed.host};
        return loaded && OSSL_CMP_CTX_set_http_cb(ctx, tls_callback) == 1 &&
               OSSL_CMP_CTX_set_http_cb_arg(ctx, &*m_tls_argument) == 1;
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
    ParsedUrl m_parsed;
    std::optional<profile::SecretSetting> m_secret_setting;
    IssuerContext m_context;
    std::vector<Bytes> m_anchors;
    SslCtxPtr m_tls_context;
    std::optional<TlsArgument> m_tls_argument;
};

} // namespace

std::unique_ptr<Issuer> make_cmp_issuer(const profile::Issuer& config, IssuerContext context) {
    return std::make_unique<CmpIssuer>(config, std::move(context));
}

} // namespace amtcfg::ca::detail
