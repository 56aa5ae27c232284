// The simulated AMT's TLS server over memory BIOs (OpenSSL; nothing hand-made).
#include "wsman/tls_server.hpp"

#include "amtcfg/util/bytes.hpp"
#include "tls_files.hpp"
#include "wsman/acm_chain.hpp"
#include "wsman/classes.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace amtcfg::sim {

// A certificate, its key and the certificates sent after it.
struct TlsServer::Identity {
    std::string name; // "odca", "bad", "post": part of the session-id context
    X509* leaf = nullptr;
    EVP_PKEY* key = nullptr;
    STACK_OF(X509) * chain = nullptr;

    ~Identity() {
        X509_free(leaf);
        EVP_PKEY_free(key);
        sk_X509_pop_free(chain, X509_free);
    }
};

// What one connection's handshake uses, fixed at its first byte.
struct TlsConnection::Plan {
    const TlsServer::Identity* identity = nullptr;
    std::unique_ptr<TlsServer::Identity> configured; // the certificate configured in AMT
    bool require_client = false;                     // Secure Host-Based Configuration pending
    bool mutual = false; // mutual authentication of the configured TLS service
    DeviceState device;  // for the client check: the recorded hash, trusted roots, clock
};

ManagementPorts management_ports(const DeviceState& device) {
    const auto& committed = device.wsman.certificates.committed;
    bool tls_only = device.tls_enforced || committed.local_enabled;
    return {!tls_only, tls_only || committed.remote_enabled};
}

namespace {

constexpr unsigned char k_tls_handshake_record = 0x16;

std::unique_ptr<TlsServer::Identity> load_identity(const std::string& name, const std::string& dir,
                                                   const char* cert_file, const char* key_file) {
    auto identity = std::make_unique<TlsServer::Identity>();
    identity->name = name;
    auto cert_path = dir + "/" + cert_file;
    BIO* bio = BIO_new_file(cert_path.c_str(), "r");
    if (bio == nullptr) {
        throw std::runtime_error("cannot read " + cert_path);
    }
    identity->chain = sk_X509_new_null();
    while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        if (identity->leaf == nullptr) {
            identity->leaf = cert;
        } else {
            sk_X509_push(identity->chain, cert);
        }
    }
    BIO_free(bio);
    ERR_clear_error(); // the end of the file reads as an error
    auto key_path = dir + "/" + key_file;
    bio = BIO_new_file(key_path.c_str(), "r");
    identity->key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (identity->leaf == nullptr || identity->key == nullptr) {
        throw std::runtime_error("cannot read the certificate " + cert_path + " or its key " +
                                 key_path);
    }
    if (X509_check_private_key(identity->leaf, identity->key) != 1) {
        throw std::runtime_error(key_path + " is not the key of " + cert_path);
    }
    return identity;
}

// OpenSSL calls this instead of its own chain verification when the server asked for a client
// certificate (only during SHBC).
int verify_callback(X509_STORE_CTX* store, void*) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* connection = static_cast<TlsConnection*>(SSL_get_app_data(ssl));
    return connection->verify_client(store);
}

// The certificate CommitChanges applied, with its key from the key store (base64 DER, PEM).
std::unique_ptr<TlsServer::Identity> configured_identity(const TlsService& service) {
    auto identity = std::make_unique<TlsServer::Identity>();
    auto der = base64_decode(service.certificate_base64).value_or(Bytes{});
    const unsigned char* cursor = der.data();
    identity->leaf = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
    BIO* bio = BIO_new_mem_buf(service.private_key_pem.data(),
                               static_cast<int>(service.private_key_pem.size()));
    identity->key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    ERR_clear_error();
    identity->chain = sk_X509_new_null();
    if (identity->leaf == nullptr || identity->key == nullptr ||
        X509_check_private_key(identity->leaf, identity->key) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    identity->name =
        "configured/" + std::to_string(service.generation) + "/" + service.certificate_base64;
    return identity;
}

std::string hex_digest(X509* cert, const EVP_MD* md) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    X509_digest(cert, md, digest.data(), &size);
    return to_hex(ByteView(digest.data(), size));
}

Der der_of(X509* cert) {
    int size = i2d_X509(cert, nullptr);
    Der der(static_cast<std::size_t>(size > 0 ? size : 0));
    unsigned char* cursor = der.data();
    i2d_X509(cert, &cursor);
    return der;
}

// Sessions are resumed only under the identity and client rule they were made under: AMT
// restarts its TLS service when provisioning changes them, so older sessions are gone.
void set_session_context(SSL* ssl, const std::string& descriptor) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(descriptor.data(), descriptor.size(), digest.data(), &size, EVP_sha256(), nullptr);
    SSL_set_session_id_context(ssl, digest.data(),
                               std::min(size, unsigned{SSL_MAX_SID_CTX_LENGTH}));
}

} // namespace

TlsServer::TlsServer(WsmanService& service, const std::string& dir) : m_service(service) {
    if (!dir.empty()) {
        m_odca = load_identity("odca", dir, tls_file::amt_chain, tls_file::amt_key);
        m_bad = load_identity("bad", dir, tls_file::bad_chain, tls_file::bad_key);
        m_post = load_identity("post", dir, tls_file::post_cert, tls_file::post_key);
    }
}

TlsServer::~TlsServer() {
    SSL_CTX_free(m_ctx);
}

std::unique_ptr<StreamConnection> TlsServer::accept(bool one_response) {
    // Made at the first TLS connection, not at start: libssl's set-up costs the measured
    // process (amtcfg, which preloads the simulator) megabytes of RSS that a run without TLS
    // (info, version) must not be charged with.
    // (The LMS listener's thread and the APF side may both be first: once.)
    std::call_once(m_ctx_made, [this] {
        m_ctx = SSL_CTX_new(TLS_server_method());
        if (m_ctx == nullptr) {
            throw std::runtime_error("cannot create the simulator's TLS context");
        }
        SSL_CTX_set_min_proto_version(m_ctx, TLS1_2_VERSION);
        SSL_CTX_set_session_cache_mode(m_ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_set_cert_verify_callback(m_ctx, verify_callback, nullptr);
    });
    return std::make_unique<TlsConnection>(*this, m_service, one_response);
}

bool TlsServer::can_serve(const DeviceState& device) const {
    const auto& committed = device.wsman.certificates.committed;
    return m_post != nullptr || ((committed.remote_enabled || committed.local_enabled) &&
                                 !committed.certificate_base64.empty());
}

TlsConnection::TlsConnection(TlsServer& server, WsmanService& service, bool one_response)
    : m_server(server), m_service(service),
      m_http(service, ConnectionInfo{true, false}, one_response) {}

TlsConnection::~TlsConnection() {
    SSL_free(m_ssl);
}

// The device state at the ClientHello decides the certificate: the ODCA chain (or the
// impostor chain of tls-bad-chain) before and during provisioning, post.pem after it.
bool TlsConnection::start() {
    m_plan = std::make_unique<Plan>();
    auto device = m_service.model().snapshot();
    const auto& committed = device.wsman.certificates.committed;
    bool configured = (committed.remote_enabled || committed.local_enabled) &&
                      !committed.certificate_base64.empty();
    if (configured) {
        // After TLS configuration AMT serves the credential context's certificate (on a
        // TLS-enforced device it replaces post.pem). The setting that governs a local
        // connection is the LMS one when it is enabled, else the remote one.
        m_plan->configured = configured_identity(committed);
        m_plan->identity = m_plan->configured.get();
        m_plan->mutual = committed.local_enabled ? committed.local_mutual : committed.remote_mutual;
    } else if (device.provisioning_state == 2) {
        m_plan->identity = m_server.m_post.get();
    } else if (m_service.tls_fault_armed("tls-bad-chain")) {
        m_plan->identity = m_server.m_bad.get();
    } else {
        m_plan->identity = m_server.m_odca.get();
    }
    if (m_plan->identity == nullptr) {
        return false; // no files and nothing configured: nothing can answer
    }
    m_plan->require_client = device.shbc.pending;
    std::string descriptor = m_plan->identity->name;
    if (m_plan->require_client) {
        descriptor += "/shbc/" + device.shbc.server_cert_hash;
    }
    if (m_plan->mutual) {
        descriptor += "/mutual";
    }
    m_plan->device = std::move(device);

    m_ssl = SSL_new(m_server.m_ctx);
    if (m_ssl == nullptr) {
        return false;
    }
    SSL_set_app_data(m_ssl, this);
    SSL_set_bio(m_ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_accept_state(m_ssl);
    const auto* identity = m_plan->identity;
    if (SSL_use_cert_and_key(m_ssl, identity->leaf, identity->key, identity->chain, 1) != 1) {
        return false;
    }
    set_session_context(m_ssl, descriptor);
    if (m_plan->require_client || m_plan->mutual) {
        SSL_set_verify(m_ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return true;
}

int TlsConnection::verify_client(void* store_context) {
    return m_plan->require_client ? verify_shbc(store_context) : verify_mutual(store_context);
}

// Mutual authentication of the configured TLS service: the client's chain (with the
// intermediates it sends) verifies, at AMT's clock, to a trusted root added with
// AddTrustedRootCertificate (as committed); with TrustedCN values, the leaf's CN is one of them.
int TlsConnection::verify_mutual(void* store_context) {
    auto* store = static_cast<X509_STORE_CTX*>(store_context);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
    const auto& committed = m_plan->device.wsman.certificates.committed;
    auto refuse = [&](std::string why) {
        m_refusal = std::move(why);
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    };
    if (leaf == nullptr) {
        return refuse("no client certificate");
    }
    X509_STORE* anchors = X509_STORE_new();
    for (const auto& root : committed.trusted_roots) {
        auto der = base64_decode(root).value_or(Bytes{});
        const unsigned char* cursor = der.data();
        if (X509* cert = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()))) {
            X509_STORE_add_cert(anchors, cert);
            X509_free(cert);
        }
    }
    // Intermediates added as trusted roots (AMT 11.8+) are anchors too.
    if (auto error = verify_at_amt_time(anchors, leaf, sent, X509_V_FLAG_PARTIAL_CHAIN)) {
        return refuse("the client certificate does not verify to a trusted root: " + *error);
    }
    if (!committed.trusted_cn.empty()) {
        std::array<char, 256> cn{};
        int length = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName,
                                               cn.data(), static_cast<int>(cn.size()));
        std::string name =
            length > 0 ? std::string(cn.data(), static_cast<std::size_t>(length)) : std::string();
        if (std::find(committed.trusted_cn.begin(), committed.trusted_cn.end(), name) ==
            committed.trusted_cn.end()) {
            return refuse("the client certificate's CN '" + name + "' is not a TrustedCN");
        }
    }
    return 1;
}

// wsman.md 7.4 (SHBC): the client's leaf hash, with the algorithm StartConfigurationHBased
// named, equals the ServerCertHash recorded then; the chain verifies up to a self-signed root
// the client sends; that root's SHA-256 or SHA-384 is an active trusted hash of the device.
std::optional<std::string> TlsConnection::verify_at_amt_time(X509_STORE* anchors, X509* leaf,
                                                             STACK_OF(X509) * sent,
                                                             unsigned long flags) {
    X509_STORE_CTX* check = X509_STORE_CTX_new();
    X509_STORE_CTX_init(check, anchors, leaf, sent);
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(check), flags);
    auto now = m_service.environment().now();
    X509_STORE_CTX_set_time(check, 0,
                            static_cast<time_t>(now + m_plan->device.clock_offset_seconds));
    std::optional<std::string> error;
    if (X509_verify_cert(check) != 1) {
        error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(check));
    }
    X509_STORE_CTX_free(check);
    X509_STORE_free(anchors);
    ERR_clear_error();
    return error;
}

int TlsConnection::verify_shbc(void* store_context) {
    auto* store = static_cast<X509_STORE_CTX*>(store_context);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
    const auto& shbc = m_plan->device.shbc;
    auto refuse = [&](std::string why) {
        m_refusal = std::move(why);
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    };
    if (leaf == nullptr) {
        return refuse("no client certificate");
    }
    const EVP_MD* md = shbc.algorithm == 3 ? EVP_sha384() : EVP_sha256();
    if (hex_digest(leaf, md) != shbc.server_cert_hash) {
        return refuse("the client certificate's hash is not the one StartConfigurationHBased gave");
    }
    X509* root = nullptr;
    for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i) {
        X509* cert = sk_X509_value(sent, i);
        if (X509_check_issued(cert, cert) == X509_V_OK) {
            root = cert;
        }
    }
    if (root == nullptr) {
        return refuse("the client sent no self-signed root certificate");
    }
    X509_STORE* anchors = X509_STORE_new();
    X509_STORE_add_cert(anchors, root);
    if (auto error = verify_at_amt_time(anchors, leaf, sent, 0)) {
        return refuse("the client chain does not verify to its root: " + *error);
    }
    if (auto problem = root_hash_problem(der_of(root), m_plan->device)) {
        return refuse(*problem);
    }
    return 1;
}

std::string TlsConnection::drain() {
    std::string out;
    BIO* wbio = SSL_get_wbio(m_ssl);
    std::array<char, 16384> buffer{};
    while (BIO_ctrl_pending(wbio) > 0) {
        int n = BIO_read(wbio, buffer.data(), static_cast<int>(buffer.size()));
        if (n <= 0) {
            break;
        }
        out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return out;
}

// close_notify keeps the session in the cache (OpenSSL drops sessions of connections that end
// without it), as a firmware that closes cleanly after each response does.
void TlsConnection::shutdown_cleanly() {
    SSL_shutdown(m_ssl);
    m_closed = true;
}

std::string TlsConnection::receive(std::string_view bytes) {
    if (m_closed || bytes.empty()) {
        return {};
    }
    if (m_ssl == nullptr) {
        // Plain HTTP (or anything but a TLS handshake record) on the TLS port: closed unanswered.
        if (static_cast<unsigned char>(bytes.front()) != k_tls_handshake_record) {
            m_service.count_tls(WsmanService::TlsEvent::refused_plain);
            m_closed = true;
            return {};
        }
        if (!start()) {
            m_closed = true;
            return {};
        }
    }
    BIO_write(SSL_get_rbio(m_ssl), bytes.data(), static_cast<int>(bytes.size()));
    if (!m_handshake_done) {
        int result = SSL_do_handshake(m_ssl);
        if (result != 1) {
            int error = SSL_get_error(m_ssl, result);
            if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
                if (m_refusal.empty()) {
                    std::array<char, 256> text{};
                    ERR_error_string_n(ERR_peek_last_error(), text.data(), text.size());
                    m_refusal = text.data();
                }
                ERR_clear_error();
                m_service.count_tls(WsmanService::TlsEvent::failed);
                m_closed = true; // the alert goes out, then the connection ends
            }
            return drain();
        }
        m_handshake_done = true;
        m_resumed = SSL_session_reused(m_ssl) == 1;
        m_service.count_tls(m_resumed ? WsmanService::TlsEvent::resumed
                                      : WsmanService::TlsEvent::full);
        // A session resumed under SHBC was made with a client certificate that passed the check
        // (the session context names the hash), so it counts as checked.
        m_http.set_peer(ConnectionInfo{true, m_plan->require_client});
    }
    std::array<char, 16384> buffer{};
    while (!m_closed) {
        int n = SSL_read(m_ssl, buffer.data(), static_cast<int>(buffer.size()));
        if (n <= 0) {
            int error = SSL_get_error(m_ssl, n);
            if (error == SSL_ERROR_ZERO_RETURN) {
                shutdown_cleanly(); // the client's close_notify: answer it
            } else if (error != SSL_ERROR_WANT_READ) {
                ERR_clear_error();
                m_closed = true;
            }
            break;
        }
        auto plain = m_http.receive(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        if (!plain.empty()) {
            SSL_write(m_ssl, plain.data(), static_cast<int>(plain.size()));
        }
        if (m_http.closed()) {
            if (m_http.aborted()) {
                m_closed = true; // tls-drop-after-commit: no response, no close_notify
                break;
            }
            shutdown_cleanly();
        }
    }
    return drain();
}

std::unique_ptr<StreamConnection> open_management_connection(WsmanService& service,
                                                             bool tls_enforced, bool one_response) {
    if (!tls_enforced) {
        return std::make_unique<HttpConnection>(service, ConnectionInfo{}, one_response);
    }
    auto* tls = service.tls();
    bool serves = tls != nullptr &&
                  service.model().read([tls](const DeviceState& d) { return tls->can_serve(d); });
    return serves ? tls->accept(one_response) : nullptr;
}

namespace {

// The simulated LMS's one port when the device serves 16992 and 16993: the first byte picks.
class SniffingConnection : public StreamConnection {
public:
    explicit SniffingConnection(WsmanService& service) : m_service(service) {}

    std::string receive(std::string_view bytes) override {
        if (!m_inner && !bytes.empty()) {
            bool tls = static_cast<unsigned char>(bytes.front()) == k_tls_handshake_record;
            m_inner = open_management_connection(m_service, tls);
            m_closed = m_inner == nullptr;
        }
        return m_inner ? m_inner->receive(bytes) : std::string();
    }
    bool closed() const override { return m_inner ? m_inner->closed() : m_closed; }
    std::size_t responses() const override { return m_inner ? m_inner->responses() : 0; }

private:
    WsmanService& m_service;
    std::unique_ptr<StreamConnection> m_inner;
    bool m_closed = false;
};

} // namespace

std::unique_ptr<StreamConnection> open_local_connection(WsmanService& service,
                                                        ManagementPorts ports) {
    if (ports.plain && ports.tls && service.tls() != nullptr) {
        return std::make_unique<SniffingConnection>(service);
    }
    if (ports.plain) {
        return std::make_unique<HttpConnection>(service);
    }
    return ports.tls ? open_management_connection(service, true) : nullptr;
}

} // namespace amtcfg::sim
