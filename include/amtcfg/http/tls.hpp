// TLS to AMT's port 16993 (AMT 19+ enforces it on local ports): how AMT's certificate is
// judged, the client certificate of mutual TLS, and what the clients of one link share.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace amtcfg::http {

// Certificates as AMT sent them in the handshake (DER), leaf first.
using CertificateChain = std::vector<Bytes>;

// The judgement of one chain, for messages, `info` and the log.
struct TlsVerdict {
    bool accepted = false;
    // Accepted: what decided ("chain verified to Intel's On-Die CA root; leaf hash equals
    // AMTCertHash"). Refused: the check that failed, named ("leaf CN is \"X\", not \"AMT RCFG\"
    // or \"iAMT CSME IDevID RCFG\"").
    std::string check;
    std::vector<std::string> subjects; // of the chain as sent, leaf first (RFC 2253)
    Bytes leaf_sha256;                 // for pinning
};

// Judges AMT's chain during a full handshake. libcurl's own verification is off (AMT is reached
// as 127.0.0.1, so no host name can match); nothing else decides.
class AmtTrust {
public:
    virtual ~AmtTrust() = default;
    virtual TlsVerdict judge(const CertificateChain& chain) const = 0;
    // What AMT is verified against, for messages: "Intel's On-Die CA root".
    virtual std::string describe() const = 0;
};

// The client certificate of mutual TLS (Secure Host-Based Configuration sends the provisioning
// certificate): chain leaf first, and the leaf's key.
struct ClientCertificate {
    CertificateChain chain;
    std::shared_ptr<evp_pkey_st> key;
};

struct TlsCounters {
    int full_handshakes = 0;
    int resumed_handshakes = 0;
};

// Shared by every client that talks TLS to one AMT with one trust and one client certificate:
// the TLS sessions they resume (only the first connection pays a full handshake), the counters
// and the verdict of the latest full handshake. A different trust needs a different context, so
// a session verified one way is never resumed under another.
class TlsContext {
public:
    explicit TlsContext(std::shared_ptr<const AmtTrust> trust,
                        std::optional<ClientCertificate> client = std::nullopt);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    const AmtTrust& trust() const { return *m_trust; }
    const std::optional<ClientCertificate>& client_certificate() const { return m_client; }
    // The latest full handshake's verdict; empty before one.
    const std::optional<TlsVerdict>& last_verdict() const { return m_verdict; }
    const TlsCounters& counters() const { return m_counters; }

    // For the libcurl client (src/http): records a verdict and counts handshakes.
    void record(TlsVerdict verdict) { m_verdict = std::move(verdict); }
    TlsCounters& mutable_counters() { return m_counters; }
    // The session cache (a libcurl share handle), opaque outside src/http.
    void* session_cache() const { return m_cache.get(); }

private:
    struct CacheDeleter {
        void operator()(void* share) const;
    };
    std::shared_ptr<const AmtTrust> m_trust;
    std::optional<ClientCertificate> m_client;
    std::optional<TlsVerdict> m_verdict;
    TlsCounters m_counters;
    std::unique_ptr<void, CacheDeleter> m_cache;
};

} // namespace amtcfg::http
