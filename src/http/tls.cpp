// TlsContext: the trust, client certificate, TLS session cache and counters of one AMT link.
#include "amtcfg/http/tls.hpp"

#include "curl_api.hpp"

#include "amtcfg/util/error.hpp"

namespace amtcfg::http {

TlsContext::TlsContext(std::shared_ptr<const AmtTrust> trust,
                       std::optional<ClientCertificate> client)
    : m_trust(std::move(trust)), m_client(std::move(client)) {
    if (!m_trust) {
        throw Error(ErrorCategory::internal, "a TLS context needs a trust");
    }
    if (m_client && (m_client->chain.empty() || !m_client->key)) {
        throw Error(ErrorCategory::internal, "a client certificate needs a chain and a key");
    }
    // The session cache: libcurl keeps the TLS sessions of every easy handle that uses this
    // share (TLS 1.2 session IDs and TLS 1.3 tickets), so a later connection, of this client or
    // of another (a new APF channel), resumes instead of paying a full handshake. The clients
    // of one context run on one thread, so the share needs no lock callbacks.
    CURLSH* share = libcurl().share_init();
    if (share == nullptr) {
        throw Error(ErrorCategory::internal, "cannot initialise libcurl's TLS session cache");
    }
    m_cache.reset(share);
    if (libcurl().share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        throw Error(ErrorCategory::internal, "libcurl cannot share TLS sessions");
    }
}

TlsContext::~TlsContext() = default;

void TlsContext::CacheDeleter::operator()(void* share) const {
    libcurl().share_cleanup(static_cast<CURLSH*>(share));
}

} // namespace amtcfg::http
