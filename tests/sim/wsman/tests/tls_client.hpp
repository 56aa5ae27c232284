// Test-only TLS client over memory BIOs for the simulator's TLS server, and the certificate
// directories the tests make at run time (tests/certs/make-sim-tls.sh, make-test-certs.sh).
#pragma once

#include "support.hpp"
#include "wsman/connection.hpp"
#include "wsman/tls_server.hpp"

#include <memory>
#include <string>
#include <vector>

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;
using SSL_SESSION = struct ssl_session_st;

namespace amtcfg::sim::test {

// A directory filled once per test process by a script of tests/certs, removed at exit.
class CertDir {
public:
    explicit CertDir(const std::string& script);
    ~CertDir();
    CertDir(const CertDir&) = delete;
    CertDir& operator=(const CertDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }
    std::string text(const std::string& name) const; // first line

private:
    std::string m_path;
};

const CertDir& sim_tls_dir();    // make-sim-tls.sh: what the simulated AMT serves
const CertDir& test_certs_dir(); // make-test-certs.sh: provisioning chains for SHBC

// The SHA-256 of AMT's TLS leaf (amt-chain.pem's first certificate) as the openssl CLI
// computes it (lower-case hex), independent of the simulator's code.
std::string sim_leaf_sha256_hex();

struct TlsClientOptions {
    std::string ca_file;    // verify the server against it ("" = do not verify)
    int max_version = 0;    // e.g. TLS1_2_VERSION; 0 = library default (1.3)
    std::string cert_chain; // client certificate chain PEM, leaf first ("" = none)
    std::string key_file;
    bool no_tickets = false; // TLS 1.2 resumption by session ID only (SSL_OP_NO_TICKET)
};

// One client context; sessions are kept for resumption across connect() calls.
class TlsTestClient {
public:
    explicit TlsTestClient(TlsClientOptions options);
    ~TlsTestClient();
    TlsTestClient(const TlsTestClient&) = delete;
    TlsTestClient& operator=(const TlsTestClient&) = delete;

    struct Result {
        bool handshake = false; // the client finished its handshake
        bool resumed = false;
        long verify_result = -1;           // X509_V_OK (0) when the chain verified
        std::vector<std::string> subjects; // the server's chain, leaf first (one-line names)
        std::string response;              // the decrypted bytes the server sent for `request`
        bool server_closed = false;        // the server ended the connection
        bool close_notify = false;         // ... cleanly
    };
    // One connection to `server`: handshake, then `request` (if any), reading until the
    // server stops answering or closes. Stores the session for the next connect().
    Result exchange(StreamConnection& server, const std::string& request = {});
    void forget_session();

private:
    TlsClientOptions m_options;
    SSL_CTX* m_ctx = nullptr;
    SSL_SESSION* m_session = nullptr;
};

// A TLS-enforced AMT 19 before provisioning with its TLS server (certificates of
// sim_tls_dir()); its clock is real time, as the test certificates are dated from now.
struct TlsDevice {
    FakeWorld world;
    DeviceModel model;
    WsmanService service;
    TlsServer tls;

    explicit TlsDevice(WsmanFaults faults = {});
    std::unique_ptr<StreamConnection> connect() {
        return open_management_connection(service, true);
    }
    DeviceState state() const { return model.snapshot(); }
};

// A digest client whose every request is one TLS connection of `client` to `device`.
DigestClient tls_digest_client(TlsDevice& device, TlsTestClient& client, std::string user,
                               std::string password);

} // namespace amtcfg::sim::test
