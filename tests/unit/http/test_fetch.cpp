// fetch(): GET and POST to a loopback server of the test's own, statuses as values, and the
// failures (nobody listening, a body too large, no answer before the deadline).
#include "amtcfg/http/fetch.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/loopback.hpp"

#include <catch2/catch.hpp>
#include <poll.h>

#include <string>
#include <thread>

using namespace amtcfg;

namespace {

// Answers one connection with `response` once the request (headers and Content-Length body)
// is in, and keeps what it received. With an empty response it reads and never answers.
class OneShotServer {
public:
    explicit OneShotServer(std::string response) : m_response(std::move(response)) {
        m_listen = amtcfg::test::listen_loopback(m_port, 1);
        m_thread = std::thread([this] { serve(); });
    }
    ~OneShotServer() {
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    std::string received() {
        m_thread.join();
        m_thread = std::thread([] {});
        return m_received;
    }

private:
    void serve() {
        int connection = ::accept(m_listen, nullptr, nullptr);
        if (connection < 0) {
            return;
        }
        char data[4096];
        pollfd entry{connection, POLLIN, 0};
        while (::poll(&entry, 1, 2000) > 0) {
            ssize_t count = ::recv(connection, data, sizeof data, 0);
            if (count <= 0) {
                break;
            }
            m_received.append(data, static_cast<std::size_t>(count));
            if (complete()) {
                break;
            }
        }
        if (!m_response.empty()) {
            ::send(connection, m_response.data(), m_response.size(), MSG_NOSIGNAL);
        } else {
            while (::poll(&entry, 1, 5000) > 0 && ::recv(connection, data, sizeof data, 0) > 0) {
            } // silent until the client gives up
        }
        ::close(connection);
    }
    bool complete() const {
        auto end = m_received.find("\r\n\r\n");
        if (end == std::string::npos) {
            return false;
        }
        auto length = m_received.find("Content-Length: ");
        std::size_t body =
            length == std::string::npos ? 0 : std::stoul(m_received.substr(length + 16));
        return m_received.size() >= end + 4 + body;
    }

    std::string m_response;
    std::string m_received;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::thread m_thread;
};

std::string answer(const std::string& status, const std::string& type, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

} // namespace

TEST_CASE("fetch: GET and POST, statuses are values", "[unit]") {
    OneShotServer get(answer("200 OK", "text/plain", "POSTPKIOperation\nSHA-256\n"));
    Deadline deadline(std::chrono::seconds(10));
    auto response = http::fetch({get.url("/scep?operation=GetCACaps"), {}, "", "", 1024}, deadline);
    CHECK(response.status == 200);
    CHECK(response.content_type == "text/plain");
    CHECK(std::string(response.body.begin(), response.body.end()) == "POSTPKIOperation\nSHA-256\n");
    CHECK(get.received().rfind("GET /scep?operation=GetCACaps HTTP/1.1\r\n", 0) == 0);

    OneShotServer post(answer("500 Internal Server Error", "text/plain", "bad"));
    Bytes body{0x30, 0x03, 0x02, 0x01, 0x00};
    response =
        http::fetch({post.url("/scep"), body, "application/x-pki-message", "", 1024}, deadline);
    CHECK(response.status == 500);
    std::string received = post.received();
    CHECK(received.rfind("POST /scep HTTP/1.1\r\n", 0) == 0);
    CHECK(received.find("Content-Type: application/x-pki-message\r\n") != std::string::npos);
    CHECK(received.substr(received.size() - body.size()) == std::string(body.begin(), body.end()));
}

TEST_CASE("fetch: failures name the URL", "[unit]") {
    Deadline deadline(std::chrono::seconds(10));
    std::string url = "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/scep";
    try {
        http::fetch({url, {}, "", "", 1024}, deadline);
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::server_unreachable);
        CHECK_THAT(error.what(), Catch::StartsWith("cannot reach " + url + ": "));
    }

    OneShotServer large(answer("200 OK", "text/plain", std::string(2000, 'x')));
    try {
        http::fetch({large.url("/"), {}, "", "", 1000}, deadline);
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::server_unreachable);
    }

    OneShotServer silent("");
    Deadline short_deadline(std::chrono::milliseconds(300));
    try {
        http::fetch({silent.url("/"), {}, "", "", 1000}, short_deadline);
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::timed_out);
    }
}
