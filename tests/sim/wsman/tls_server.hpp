// TLS on the simulated AMT's management port 16993 (wsman.md 7.4): an OpenSSL server over
// memory BIOs around one HttpConnection, so the same code serves APF channels and the LMS
// listener. One SSL_CTX per simulated device with a server session cache (TLS 1.2 session
// IDs, TLS 1.3 tickets). The certificate is chosen per connection at its first byte from the
// device state: AMT's On-Die CA chain before and during provisioning, a self-signed
// certificate after it; during Secure Host-Based Configuration a client certificate is
// required and checked.
#pragma once

#include "wsman/connection.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;
struct x509_st;
struct x509_store_st;
struct stack_st_X509;

namespace amtcfg::sim {

// Which management ports the device serves locally (over APF and the simulated LMS), from
// its state: 16992 (plain) unless TLS is enforced or the committed LMS TLS setting is enabled;
// 16993 (TLS) when TLS is enforced or a committed TLS setting is enabled (tests/sim/README.md,
// "Certificates and TLS configuration").
struct ManagementPorts {
    bool plain = true;
    bool tls = false;
};
ManagementPorts management_ports(const DeviceState& device);

class TlsServer {
public:
    // Loads the files of make-sim-tls.sh from `dir` (tls_files.hpp); throws std::runtime_error
    // naming the file that is missing or unreadable. An empty `dir`: no files (a device that
    // does not enforce TLS), so only a certificate configured in AMT (CommitChanges) is served.
    TlsServer(WsmanService& service, const std::string& dir);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    // A new connection that speaks TLS from its first byte (one that starts otherwise is
    // closed unanswered); `one_response` as HttpConnection's.
    std::unique_ptr<StreamConnection> accept(bool one_response = false);
    // Whether a certificate can be served for `device`: the files, or one configured in AMT.
    bool can_serve(const DeviceState& device) const;

    struct Identity;

private:
    friend class TlsConnection;
    WsmanService& m_service;
    SSL_CTX* m_ctx = nullptr; // made by the first accept()
    std::once_flag m_ctx_made;
    std::unique_ptr<Identity> m_odca; // amt-chain.pem + amt-leaf.key
    std::unique_ptr<Identity> m_bad;  // bad-chain.pem + bad-leaf.key (tls-bad-chain)
    std::unique_ptr<Identity> m_post; // post.pem + post.key
};

// One TLS connection of a TlsServer; public for the tests, which read why a handshake failed.
class TlsConnection : public StreamConnection {
public:
    TlsConnection(TlsServer& server, WsmanService& service, bool one_response);
    ~TlsConnection() override;
    TlsConnection(const TlsConnection&) = delete;
    TlsConnection& operator=(const TlsConnection&) = delete;

    std::string receive(std::string_view bytes) override;
    bool closed() const override { return m_closed; }
    std::size_t responses() const override { return m_http.responses(); }

    // After the handshake: whether the session was resumed. Why the handshake failed ("" if
    // it did not): a refused client certificate names the failed check.
    bool resumed() const { return m_resumed; }
    const std::string& refusal() const { return m_refusal; }

    // The client-certificate check (SHBC, or mutual authentication), called by OpenSSL's
    // verify callback.
    int verify_client(void* store_context);

private:
    bool start(); // at the first byte: picks the certificate and the client-certificate rule
    int verify_shbc(void* store_context);
    // Verifies `leaf` with `sent` to `anchors` (freed) at AMT's clock; the error, if any.
    std::optional<std::string> verify_at_amt_time(x509_store_st* anchors, x509_st* leaf,
                                                  stack_st_X509* sent, unsigned long flags);
    int verify_mutual(void* store_context);
    std::string drain();
    void shutdown_cleanly();

    TlsServer& m_server;
    WsmanService& m_service;
    HttpConnection m_http;
    SSL* m_ssl = nullptr;
    bool m_handshake_done = false;
    bool m_closed = false;
    bool m_resumed = false;
    std::string m_refusal;
    struct Plan;
    std::unique_ptr<Plan> m_plan;
};

// A connection to the device's management port: inside TLS when the device enforces TLS
// (nullptr when it does and the service has no TLS server: nothing can answer), else plain.
// `one_response`: an APF channel's, which ends after one response (HttpConnection).
std::unique_ptr<StreamConnection>
open_management_connection(WsmanService& service, bool tls_enforced, bool one_response = false);

// A connection to the simulated LMS's one port, which carries what the device serves: plain
// HTTP, TLS, or both, told apart by the connection's first byte (0x16, a TLS handshake record:
// the TLS service; anything else: plain HTTP). nullptr when nothing can answer.
std::unique_ptr<StreamConnection> open_local_connection(WsmanService& service,
                                                        ManagementPorts ports);

} // namespace amtcfg::sim
