// TLS for the libcurl client. libcurl's own peer verification is off (AMT is reached as
// 127.0.0.1, so no host name can match), and OpenSSL's is handed to the context's AmtTrust
// instead: SSL_VERIFY_PEER with a certificate-verify callback that judges the chain exactly as
// AMT sent it. A refusal fails the handshake; nothing is skipped.
#include "tls_session.hpp"

#include "curl_api.hpp"
#include "x509.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string_view>

namespace amtcfg::http {
namespace {

// Where the callbacks find their TlsLink: curl makes one SSL_CTX per connection.
int link_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Marks an SSL whose handshake was counted: OpenSSL may report HANDSHAKE_DONE again after
// TLS 1.3 post-handshake messages (session tickets).
int counted_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

int on_verify(X509_STORE_CTX* store, void* user) {
    auto* link = static_cast<TlsLink*>(user);
    try {
        CertificateChain chain;
        // The untrusted stack is the peer's chain as sent, leaf first.
        STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
        if (sent != nullptr && sk_X509_num(sent) > 0) {
            for (int i = 0; i < sk_X509_num(sent); ++i) {
                chain.push_back(certificate_der(sk_X509_value(sent, i)));
            }
        } else if (X509* leaf = X509_STORE_CTX_get0_cert(store)) {
            chain.push_back(certificate_der(leaf));
        }
        TlsVerdict verdict = link->context->trust().judge(chain);
        link->log->debug("tls: AMT's certificate through {} ({}, SHA-256 {}) {}: {}", link->path,
                         verdict.subjects.empty() ? std::string("none") : verdict.subjects.front(),
                         fingerprint(verdict.leaf_sha256),
                         verdict.accepted ? "accepted" : "refused", verdict.check);
        link->context->record(verdict);
        if (verdict.accepted) {
            return 1;
        }
        link->refused = std::move(verdict);
    } catch (const std::exception& error) {
        link->setup_failure =
            fmt::format("AMT's certificate could not be judged: {}", error.what());
    }
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
}

void on_info(const SSL* ssl, int where, int) {
    if ((where & SSL_CB_HANDSHAKE_DONE) == 0 || SSL_get_ex_data(ssl, counted_index()) != nullptr) {
        return;
    }
    auto* link = static_cast<TlsLink*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), link_index()));
    if (link == nullptr) {
        return;
    }
    static char marker = 0;
    SSL_set_ex_data(const_cast<SSL*>(ssl), counted_index(), &marker);
    TlsCounters& counters = link->context->mutable_counters();
    bool resumed = SSL_session_reused(ssl) == 1;
    ++(resumed ? counters.resumed_handshakes : counters.full_handshakes);
    link->log->debug("tls: {} {} handshake through {} ({} full, {} resumed so far)",
                     resumed ? "resumed" : "full", SSL_get_version(ssl), link->path,
                     counters.full_handshakes, counters.resumed_handshakes);
}

// The client certificate of mutual TLS: leaf, the rest of its chain, and its key.
std::string install_client_certificate(SSL_CTX* ctx, const ClientCertificate& client) {
    X509Ptr leaf = parse_certificate(client.chain.front());
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
        return "the client certificate is not a usable X.509 certificate";
    }
    for (std::size_t i = 1; i < client.chain.size(); ++i) {
        X509Ptr extra = parse_certificate(client.chain[i]);
        if (!extra || SSL_CTX_add_extra_chain_cert(ctx, extra.get()) != 1) {
            return fmt::format("certificate {} of the client certificate's chain is not usable", i);
        }
        static_cast<void>(extra.release()); // owned by the SSL_CTX now
    }
    if (SSL_CTX_use_PrivateKey(ctx, client.key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        return "the client certificate's key does not match it";
    }
    return {};
}

CURLcode on_ssl_ctx(CURL*, void* ssl_ctx, void* user) {
    auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
    auto* link = static_cast<TlsLink*>(user);
    // libcurl set SSL_VERIFY_NONE (CURLOPT_SSL_VERIFYPEER 0) before calling this; the trust
    // decides, and its refusal must end the handshake.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, &on_verify, link);
    SSL_CTX_set_ex_data(ctx, link_index(), link);
    SSL_CTX_set_info_callback(ctx, &on_info);
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        link->setup_failure = "OpenSSL cannot require TLS 1.2";
        return CURLE_SSL_CONNECT_ERROR;
    }
    if (const auto& client = link->context->client_certificate()) {
        link->setup_failure = install_client_certificate(ctx, *client);
        if (!link->setup_failure.empty()) {
            ERR_clear_error();
            return CURLE_SSL_CERTPROBLEM;
        }
    }
    return CURLE_OK;
}

// The callbacks cast libcurl's SSL_CTX to this process's OpenSSL; that holds only when libcurl
// runs on the same OpenSSL library (Debian's libcurl4 does; libcurl3-gnutls does not).
void require_same_openssl() {
    const curl_version_info_data* info = libcurl().version_info(CURLVERSION_NOW);
    std::string ours = fmt::format("OpenSSL/{}", OpenSSL_version(OPENSSL_VERSION_STRING));
    std::string_view theirs =
        info != nullptr && info->ssl_version != nullptr ? info->ssl_version : "no TLS library";
    if (!theirs.starts_with(ours)) {
        throw Error(ErrorCategory::tls_failed,
                    fmt::format("libcurl uses {}, not amtcfg's {}, so amtcfg cannot verify AMT's "
                                "TLS certificate (install Debian's libcurl4, the OpenSSL flavour)",
                                theirs, ours));
    }
}

template <typename Value> void set(CURL* easy, CURLoption option, Value value, const char* what) {
    if (libcurl().easy_setopt(easy, option, value) != CURLE_OK) {
        throw Error(ErrorCategory::tls_failed,
                    fmt::format("libcurl cannot {}, so amtcfg will not talk TLS to AMT", what));
    }
}

} // namespace

void configure_tls(CURL* easy, TlsLink& link) {
    require_same_openssl();
    set(easy, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2),
        "require TLS 1.2 or later");
    set(easy, CURLOPT_SSL_VERIFYPEER, 0L, "hand verification to amtcfg");
    set(easy, CURLOPT_SSL_VERIFYHOST, 0L, "hand verification to amtcfg");
    // No CA bundle: AMT is judged by the trust alone, and loading /etc/ssl/certs would cost
    // every full handshake its CPU.
    set(easy, CURLOPT_CAINFO, static_cast<const char*>(nullptr), "leave the CA bundle out");
    set(easy, CURLOPT_CAPATH, static_cast<const char*>(nullptr), "leave the CA directory out");
    set(easy, CURLOPT_SSL_CTX_FUNCTION, &on_ssl_ctx, "hand OpenSSL's setup to amtcfg");
    set(easy, CURLOPT_SSL_CTX_DATA, static_cast<void*>(&link), "hand OpenSSL's setup to amtcfg");
    set(easy, CURLOPT_SHARE, static_cast<CURLSH*>(link.context->session_cache()),
        "share TLS sessions");
    set(easy, CURLOPT_SSL_SESSIONID_CACHE, 1L, "resume TLS sessions");
}

std::optional<Error> tls_failure(const TlsLink& link, CURLcode code, std::string_view detail) {
    if (link.refused) {
        return Error(ErrorCategory::tls_failed,
                     fmt::format("AMT's TLS certificate through {} was refused: {}", link.path,
                                 link.refused->check));
    }
    if (!link.setup_failure.empty()) {
        return Error(ErrorCategory::tls_failed, fmt::format("cannot talk TLS to AMT through {}: {}",
                                                            link.path, link.setup_failure));
    }
    // After the handshake (TLS 1.3: a server refusing the client certificate says so when the
    // client reads), OpenSSL's errors arrive as receive or send errors; its reason says TLS.
    if ((code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR) &&
        detail.find("SSL routines") != std::string_view::npos) {
        return Error(ErrorCategory::tls_failed,
                     fmt::format("cannot talk to AMT through {}: the TLS connection failed ({})",
                                 link.path, detail));
    }
    return std::nullopt;
}

} // namespace amtcfg::http
