// A loopback server for the server-connection tests: plain or TLS, one connection at a time
// from a thread; it answers a WebSocket upgrade request with 101 (the Sec-WebSocket-Accept
// computed here with OpenSSL, independently of src/ws), then echoes every byte back, and
// closes when it receives "quit". Records the request heads it saw.
#pragma once

#include "fakes/loopback.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace amtcfg::testing {

// base64(SHA-1(key + GUID)), RFC 6455 section 1.3.
inline std::string websocket_accept(const std::string& key) {
    std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr);
    unsigned char encoded[64];
    int length = EVP_EncodeBlock(encoded, digest, static_cast<int>(size));
    return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(length));
}

class UpgradeServer {
public:
    // With a certificate and key, TLS; otherwise plain TCP.
    UpgradeServer(X509* certificate = nullptr, EVP_PKEY* key = nullptr) {
        if (certificate != nullptr) {
            m_ctx = SSL_CTX_new(TLS_server_method());
            SSL_CTX_use_certificate(m_ctx, certificate);
            SSL_CTX_use_PrivateKey(m_ctx, key);
        }
        m_listen = amtcfg::test::listen_loopback(m_port);
        (void)!::pipe(m_stop);
        m_thread = std::thread([this] { serve(); });
    }
    ~UpgradeServer() {
        (void)!::write(m_stop[1], "x", 1);
        m_thread.join();
        ::close(m_listen);
        ::close(m_stop[0]);
        ::close(m_stop[1]);
        SSL_CTX_free(m_ctx);
    }
    UpgradeServer(const UpgradeServer&) = delete;
    UpgradeServer& operator=(const UpgradeServer&) = delete;

    std::uint16_t port() const { return m_port; }
    std::vector<std::string> requests() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_requests;
    }

private:
    bool wait_readable(int fd) {
        pollfd entries[2] = {{fd, POLLIN, 0}, {m_stop[0], POLLIN, 0}};
        ::poll(entries, 2, -1);
        return (entries[1].revents & POLLIN) == 0;
    }

    // One read of the connection, plain or TLS; "" once it ended.
    std::string read_some(int connection, SSL* ssl) {
        char data[4096];
        if (ssl != nullptr && SSL_pending(ssl) == 0 && !wait_readable(connection)) {
            return "";
        }
        if (ssl == nullptr && !wait_readable(connection)) {
            return "";
        }
        long count = ssl != nullptr ? SSL_read(ssl, data, sizeof data)
                                    : ::recv(connection, data, sizeof data, 0);
        return count > 0 ? std::string(data, static_cast<std::size_t>(count)) : "";
    }

    void write_all(int connection, SSL* ssl, const std::string& bytes) {
        if (ssl != nullptr) {
            SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
        } else {
            ::send(connection, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        }
    }

    void converse(int connection, SSL* ssl) {
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            std::string more = read_some(connection, ssl);
            if (more.empty()) {
                return;
            }
            head += more;
        }
        std::string rest = head.substr(head.find("\r\n\r\n") + 4);
        head.resize(head.size() - rest.size());
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_requests.push_back(head);
        }
        std::string field = "Sec-WebSocket-Key: ";
        std::size_t start = head.find(field);
        std::string key = start == std::string::npos
                              ? ""
                              : head.substr(start + field.size(),
                                            head.find("\r\n", start) - start - field.size());
        write_all(connection, ssl,
                  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                      websocket_accept(key) + "\r\n\r\n");
        while (rest != "quit") {
            if (!rest.empty()) {
                write_all(connection, ssl, rest);
            }
            rest = read_some(connection, ssl);
            if (rest.empty()) {
                return;
            }
        }
    }

    void serve() {
        while (wait_readable(m_listen)) {
            int connection = ::accept(m_listen, nullptr, nullptr);
            SSL* ssl = nullptr;
            if (m_ctx != nullptr) {
                ssl = SSL_new(m_ctx);
                SSL_set_fd(ssl, connection);
                if (SSL_accept(ssl) != 1) {
                    // Read until the client closes, so it sees the alert before a reset.
                    char data[4096];
                    while (wait_readable(connection) &&
                           ::recv(connection, data, sizeof data, 0) > 0) {
                    }
                    ERR_clear_error();
                    SSL_free(ssl);
                    ::close(connection);
                    continue;
                }
            }
            converse(connection, ssl);
            if (ssl != nullptr) {
                SSL_shutdown(ssl);
                SSL_free(ssl);
            }
            ::close(connection);
        }
    }

    SSL_CTX* m_ctx = nullptr;
    int m_listen = -1;
    int m_stop[2] = {-1, -1};
    std::uint16_t m_port = 0;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::thread m_thread;
};

} // namespace amtcfg::testing
