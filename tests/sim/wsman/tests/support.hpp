// Test helpers for the simulator's WS-Man service: a fake environment, a tiny digest client
// and a response reader (test code only; the product's client lives in src/http and src/wsman).
#pragma once

#include "wsman/connection.hpp"
#include "wsman/service.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace amtcfg::sim::test {

struct FakeWorld {
    std::int64_t now = 1'700'000'000;
    std::vector<std::uint32_t> sleeps;
    std::uint8_t next_random = 1;
    Environment environment();
};

struct ParsedResponse {
    int status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    bool chunked = false;
    bool complete = false;
};

// Reads one HTTP response from `bytes` (chunked or Content-Length).
ParsedResponse read_response(const std::string& bytes);

std::string envelope(std::string_view action, std::string_view resource_uri, std::string_view body,
                     const std::map<std::string, std::string>& selectors = {});
std::string class_uri(std::string_view class_name);

// Sends SOAP requests through an HttpConnection-less path: 401 challenge, then digest.
class DigestClient {
public:
    DigestClient(WsmanService& service, std::string user, std::string password)
        : m_service(service), m_user(std::move(user)), m_password(std::move(password)) {}

    ParsedResponse post(const std::string& soap);
    std::string raw_post(const std::string& soap); // the bytes on the wire
    ParsedResponse get(std::string_view class_name,
                       const std::map<std::string, std::string>& selectors = {});
    ParsedResponse invoke(std::string_view class_name, std::string_view method,
                          std::string_view args);
    ParsedResponse put(std::string_view class_name, std::string_view props,
                       const std::map<std::string, std::string>& selectors = {});
    std::string authorization(const std::string& nonce);

    // How a request reaches the service; unset: WsmanService::handle_bytes (no transport).
    std::function<std::string(const std::string&)> transport;
    std::string nonce;
    std::string realm;
    std::string last_stale;
    int challenges = 0;

private:
    WsmanService& m_service;
    std::string m_user;
    std::string m_password;
    unsigned m_nc = 0;
};

std::string http_post(const std::string& body, const std::string& authorization = {});
// The text of the first element with this local name in `xml`, or "" (tests only).
std::string element_text(const std::string& xml, std::string_view local);
std::vector<std::string> element_texts(const std::string& xml, std::string_view local);

} // namespace amtcfg::sim::test
