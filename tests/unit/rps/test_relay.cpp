// The relay's checks of raw HTTP: requests aimed elsewhere, responses' ends.
#include "amtcfg/rps/relay.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

#include <string>

using amtcfg::Error;
using amtcfg::ErrorCategory;
using amtcfg::rps::check_relayed_request;
using amtcfg::rps::response_complete;

namespace {

std::string request(std::string_view line, std::string_view host) {
    return std::string(line) + "\r\nHost: " + std::string(host) +
           "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
}

std::string refusal(const std::string& raw) {
    try {
        check_relayed_request(raw);
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::server_unreachable);
        return error.what();
    }
    return {};
}

} // namespace

TEST_CASE("relayed requests to AMT's WS-Man ports pass") {
    CHECK(refusal(request("POST /wsman HTTP/1.1", "4c4c4544-0000-1000-8000-000000000001:16992"))
              .empty());
    CHECK(refusal(request("POST /wsman HTTP/1.1", "device:16993")).empty());
    CHECK(refusal(request("POST /wsman HTTP/1.1", "[::1]:16992")).empty());
    CHECK(refusal(request("POST /wsman HTTP/1.1", "device")).empty());
}

TEST_CASE("relayed requests aimed at another port or target are refused") {
    auto absolute = refusal(request("POST http://127.0.0.1:22/wsman HTTP/1.1", "127.0.0.1:22"));
    CHECK_THAT(absolute, Catch::Contains("http://127.0.0.1:22/wsman"));
    CHECK_THAT(absolute, Catch::Contains("nothing was sent"));
    CHECK_THAT(refusal(request("POST /wsman HTTP/1.1", "127.0.0.1:22")),
               Catch::Contains("port 22"));
    CHECK_THAT(refusal(request("POST /wsman HTTP/1.1", "[::1]:8080")),
               Catch::Contains("port 8080"));
    CHECK_THAT(refusal(request("CONNECT 10.0.0.1:443 HTTP/1.1", "10.0.0.1:443")),
               Catch::Contains("10.0.0.1:443"));
    CHECK_THAT(refusal("POST /wsman HTTP/1.0\r\n\r\n"), Catch::Contains("not HTTP/1.1"));
    CHECK_THAT(refusal("\x16\x03\x01\x02"), Catch::Contains("not an HTTP request"));
}

TEST_CASE("a response with Content-Length is complete when its body arrived") {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\n";
    CHECK_FALSE(response_complete(head.substr(0, 20)));
    CHECK_FALSE(response_complete(head));
    CHECK_FALSE(response_complete(head + "abcd"));
    CHECK(response_complete(head + "abcde"));
    CHECK(response_complete("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n"));
}

TEST_CASE("a chunked response is complete after its last chunk and trailers") {
    std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string body = "4;ext=1\r\nabcd\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n";
    for (std::size_t cut = 0; cut < body.size(); ++cut) {
        CHECK_FALSE(response_complete(head + body.substr(0, cut)));
    }
    CHECK_FALSE(response_complete(head + body));
    CHECK(response_complete(head + body + "\r\n"));
    CHECK_FALSE(response_complete(head + body + "X-Trailer: 1\r\n"));
    CHECK(response_complete(head + body + "X-Trailer: 1\r\n\r\n"));
}

TEST_CASE("a response without framing ends only when AMT closes") {
    CHECK_FALSE(response_complete("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nwhatever"));
}

TEST_CASE("unreadable response framing is AMT's failure, named") {
    auto category = [](const std::string& raw) {
        try {
            response_complete(raw);
        } catch (const Error& error) {
            return error.category();
        }
        return ErrorCategory::internal;
    };
    CHECK(category("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") ==
          ErrorCategory::wsman_unreachable);
    CHECK(category("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n") ==
          ErrorCategory::wsman_unreachable);
    CHECK(category("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n") ==
          ErrorCategory::wsman_unreachable);
    CHECK(category("SSH-2.0-OpenSSH\r\n\r\n") == ErrorCategory::wsman_unreachable);
    CHECK(category("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "FFFFFFFFFFFFFFFFFFFF\r\n") == ErrorCategory::wsman_unreachable);
}
