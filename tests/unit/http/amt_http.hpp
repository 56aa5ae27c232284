// A tiny AMT-like HTTP responder for tests: digest challenge (qop=auth, Connection: close),
// then chunked SOAP answers; plus a loopback socket server thread that speaks it.
#pragma once

#include "fakes/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace amtcfg::testing {

inline std::string md5_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

// Parses `key="value"` and `key=value` pairs of a Digest Authorization header.
inline std::map<std::string, std::string> digest_fields(const std::string& header) {
    std::map<std::string, std::string> out;
    std::size_t at = header.find("Digest ");
    at = at == std::string::npos ? header.size() : at + 7;
    while (at < header.size()) {
        std::size_t equals = header.find('=', at);
        if (equals == std::string::npos) {
            break;
        }
        std::string key = header.substr(at, equals - at);
        key.erase(0, key.find_first_not_of(" ,"));
        std::string value;
        at = equals + 1;
        if (at < header.size() && header[at] == '"') {
            std::size_t close = header.find('"', at + 1);
            value = header.substr(at + 1, close - at - 1);
            at = close + 1;
        } else {
            std::size_t end = header.find(',', at);
            value = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
            at = end == std::string::npos ? header.size() : end;
        }
        out[key] = value;
        at = header.find_first_not_of(" ,", at);
        at = at == std::string::npos ? header.size() : at;
    }
    return out;
}

struct AmtHttp {
    std::string user = "admin";
    std::string password = "P@ssw0rd-secret";
    std::string realm = "Digest:0123456789ABCDEF0123456789ABCDEF";
    std::string nonce = "4f2e5d6c";
    std::string answer = "<a:Envelope><a:Body><g:Answer>ok</g:Answer></a:Body></a:Envelope>";
    std::size_t chunk_size = 7;    // chunk boundaries fall mid-tag, as firmware's do
    std::size_t cut_challenge = 0; // when set, a 401 is cut to this many bytes, then closed
    unsigned challenges = 0;
    unsigned authorized = 0;
    unsigned rejected = 0;
    std::vector<std::string> bodies;

    std::string header(const std::string& head, const std::string& name) const {
        std::size_t at = head.find("\r\n" + name + ":");
        if (at == std::string::npos) {
            return {};
        }
        at += name.size() + 3;
        std::size_t end = head.find("\r\n", at);
        std::string value = head.substr(at, end - at);
        return value.substr(value.find_first_not_of(' '));
    }

    bool digest_ok(const std::string& authorization) const {
        auto f = digest_fields(authorization);
        std::string ha1 = md5_hex(user + ":" + realm + ":" + password);
        std::string ha2 = md5_hex("POST:" + f["uri"]);
        std::string expected = md5_hex(ha1 + ":" + nonce + ":" + f["nc"] + ":" + f["cnonce"] + ":" +
                                       f["qop"] + ":" + ha2);
        return f["username"] == user && f["realm"] == realm && f["qop"] == "auth" &&
               f["response"] == expected;
    }

    std::string challenge() {
        ++challenges;
        std::string page = "<html>Log on failed</html>";
        std::string out = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"" + realm +
                          "\", nonce=\"" + nonce + "\",stale=\"false\",qop=\"auth\"\r\n" +
                          "Content-Type: text/html\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(page.size()) + "\r\n\r\n" + page;
        return cut_challenge != 0 ? out.substr(0, cut_challenge) : out;
    }

    std::string chunked_answer() {
        std::string out = "HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology "
                          "16.1.25\r\nContent-Type: application/soap+xml; charset=UTF-8\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
        char size[16];
        for (std::size_t at = 0; at < answer.size(); at += chunk_size) {
            std::string part = answer.substr(at, chunk_size);
            std::snprintf(size, sizeof size, "%zx", part.size());
            out += std::string(size) + "\r\n" + part + "\r\n";
        }
        return out + "0\r\n\r\n";
    }

    // Takes one complete request off `buffer`; returns the response, or nothing while the
    // request is incomplete. `close` tells whether the server closes after the response.
    std::optional<std::string> answer_one(std::string& buffer, bool& close) {
        std::size_t end = buffer.find("\r\n\r\n");
        if (end == std::string::npos) {
            return std::nullopt;
        }
        std::string head = buffer.substr(0, end + 2);
        std::string length = header(head, "Content-Length");
        std::size_t body_size = length.empty() ? 0 : std::stoul(length);
        if (buffer.size() < end + 4 + body_size) {
            return std::nullopt;
        }
        std::string body = buffer.substr(end + 4, body_size);
        buffer.erase(0, end + 4 + body_size);
        std::string authorization = header(head, "Authorization");
        close = true;
        if (authorization.empty()) {
            return challenge();
        }
        if (!digest_ok(authorization)) {
            ++rejected;
            return challenge();
        }
        ++authorized;
        bodies.push_back(body);
        close = false;
        return chunked_answer();
    }
};

// Serves AmtHttp on 127.0.0.1 from a thread, one connection at a time.
class LoopbackServer {
public:
    explicit LoopbackServer(AmtHttp& amt) : m_amt(amt) {
        m_listen = amtcfg::test::listen_loopback(m_port);
        (void)!::pipe(m_stop);
        m_thread = std::thread([this] { serve(); });
    }
    ~LoopbackServer() {
        (void)!::write(m_stop[1], "x", 1);
        m_thread.join();
        ::close(m_listen);
        ::close(m_stop[0]);
        ::close(m_stop[1]);
    }
    std::uint16_t port() const { return m_port; }
    unsigned connections() const { return m_connections; }

private:
    bool wait_readable(int fd) {
        pollfd entries[2] = {{fd, POLLIN, 0}, {m_stop[0], POLLIN, 0}};
        ::poll(entries, 2, -1);
        return (entries[1].revents & POLLIN) == 0;
    }
    void serve() {
        while (wait_readable(m_listen)) {
            int connection = ::accept(m_listen, nullptr, nullptr);
            ++m_connections;
            std::string buffer;
            char data[4096];
            bool open = true;
            while (open && wait_readable(connection)) {
                ssize_t count = ::recv(connection, data, sizeof data, 0);
                if (count <= 0) {
                    break;
                }
                buffer.append(data, static_cast<std::size_t>(count));
                bool close = false;
                while (auto response = m_amt.answer_one(buffer, close)) {
                    ::send(connection, response->data(), response->size(), MSG_NOSIGNAL);
                    open = open && !close;
                }
            }
            ::close(connection);
        }
    }

    AmtHttp& m_amt;
    int m_listen = -1;
    int m_stop[2] = {-1, -1};
    std::uint16_t m_port = 0;
    std::atomic<unsigned> m_connections{0};
    std::thread m_thread;
};

} // namespace amtcfg::testing
