// A small OpenSSL TLS server for the libcurl client's tests: it serves AmtHttp (digest
// challenge, then chunked answers) over TLS on a loopback port from a thread, one connection at
// a time, and records what it saw of each handshake.
#pragma once

#include "fakes/loopback.hpp"

#include "unit/http/amt_http.hpp"
#include "unit/http/test_certificates.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace amtcfg::testing {

struct TlsServerOptions {
    std::string chain_pem; // served, leaf first
    std::string key_pem;
    X509* client_ca = nullptr; // when set, a client certificate that verifies to it is required
    int max_version = 0;       // e.g. TLS1_2_VERSION; 0 for OpenSSL's highest
    int min_version = 0;
    bool tickets = true; // false: TLS 1.2 resumes by session ID only
};

struct ServerHandshake {
    bool completed = false;
    bool resumed = false;
    std::string version;        // "TLSv1.3"
    std::string client_subject; // of the client certificate, when one was sent
};

class TlsServer {
public:
    TlsServer(AmtHttp& amt, const TlsServerOptions& options) : m_amt(amt) {
        m_ctx = SSL_CTX_new(TLS_server_method());
        SSL_CTX_use_certificate_chain_file(m_ctx, options.chain_pem.c_str());
        SSL_CTX_use_PrivateKey_file(m_ctx, options.key_pem.c_str(), SSL_FILETYPE_PEM);
        static const unsigned char k_id[] = "amtcfg-test";
        SSL_CTX_set_session_id_context(m_ctx, k_id, sizeof k_id - 1);
        if (options.client_ca != nullptr) {
            X509_STORE_add_cert(SSL_CTX_get_cert_store(m_ctx), options.client_ca);
            SSL_CTX_set_verify(m_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        }
        if (options.max_version != 0 && options.max_version < TLS1_2_VERSION) {
            // OpenSSL 3 allows TLS 1.0 and 1.1 only at security level 0.
            SSL_CTX_set_security_level(m_ctx, 0);
            SSL_CTX_set_cipher_list(m_ctx, "DEFAULT:@SECLEVEL=0");
        }
        if (options.max_version != 0) {
            SSL_CTX_set_max_proto_version(m_ctx, options.max_version);
        }
        if (!options.tickets) {
            SSL_CTX_set_options(m_ctx, SSL_OP_NO_TICKET);
        }
        if (options.min_version != 0) {
            SSL_CTX_set_min_proto_version(m_ctx, options.min_version);
        }
        m_listen = amtcfg::test::listen_loopback(m_port);
        (void)!::pipe(m_stop);
        m_thread = std::thread([this] { serve(); });
    }
    ~TlsServer() {
        (void)!::write(m_stop[1], "x", 1);
        m_thread.join();
        ::close(m_listen);
        ::close(m_stop[0]);
        ::close(m_stop[1]);
        SSL_CTX_free(m_ctx);
    }
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    std::uint16_t port() const { return m_port; }
    std::vector<ServerHandshake> handshakes() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_handshakes;
    }
    // The handshakes once at least `count` were recorded: a client that refused the server
    // returns before the server's SSL_accept has. Gives up after a generous limit.
    std::vector<ServerHandshake> handshakes(std::size_t count) const {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_recorded.wait_for(lock, std::chrono::seconds(20),
                            [&] { return m_handshakes.size() >= count; });
        return m_handshakes;
    }

private:
    bool wait_readable(int fd) {
        pollfd entries[2] = {{fd, POLLIN, 0}, {m_stop[0], POLLIN, 0}};
        ::poll(entries, 2, -1);
        return (entries[1].revents & POLLIN) == 0;
    }

    void serve() {
        while (wait_readable(m_listen)) {
            int connection = ::accept(m_listen, nullptr, nullptr);
            SSL* ssl = SSL_new(m_ctx);
            SSL_set_fd(ssl, connection);
            ServerHandshake handshake;
            handshake.completed = SSL_accept(ssl) == 1;
            if (handshake.completed) {
                handshake.resumed = SSL_session_reused(ssl) == 1;
                handshake.version = SSL_get_version(ssl);
                if (X509* client = SSL_get0_peer_certificate(ssl)) {
                    char text[256];
                    X509_NAME_oneline(X509_get_subject_name(client), text, sizeof text);
                    handshake.client_subject = text;
                }
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_handshakes.push_back(handshake);
            }
            m_recorded.notify_all();
            if (handshake.completed) {
                converse(ssl, connection);
                SSL_shutdown(ssl);
            } else {
                // Close only once the client closed: with TLS 1.3 the client may already be
                // writing its request, and closing with it unread would reset the connection
                // before the client read the alert.
                char data[4096];
                while (wait_readable(connection) && ::recv(connection, data, sizeof data, 0) > 0) {
                }
            }
            ERR_clear_error();
            SSL_free(ssl);
            ::close(connection);
        }
    }

    void converse(SSL* ssl, int connection) {
        std::string buffer;
        char data[4096];
        bool open = true;
        while (open && (SSL_pending(ssl) > 0 || wait_readable(connection))) {
            int count = SSL_read(ssl, data, sizeof data);
            if (count <= 0) {
                break;
            }
            buffer.append(data, static_cast<std::size_t>(count));
            bool close = false;
            while (auto response = m_amt.answer_one(buffer, close)) {
                SSL_write(ssl, response->data(), static_cast<int>(response->size()));
                open = open && !close;
            }
        }
    }

    AmtHttp& m_amt;
    SSL_CTX* m_ctx = nullptr;
    int m_listen = -1;
    int m_stop[2] = {-1, -1};
    std::uint16_t m_port = 0;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_recorded;
    std::vector<ServerHandshake> m_handshakes;
    std::thread m_thread;
};

} // namespace amtcfg::testing
