// HTTP/1.1 framing of the simulator's server side: requests in, chunked responses out.
#include "wsman/http_message.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace amtcfg::sim;

TEST_CASE("a Content-Length request is parsed even when fed byte by byte", "[unit][sim]") {
    std::string bytes = "POST /wsman HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\nhello";
    RequestParser parser;
    for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
        parser.feed(bytes.substr(i, 1));
        REQUIRE_FALSE(parser.next());
    }
    parser.feed(bytes.substr(bytes.size() - 1));
    auto request = parser.next();
    REQUIRE(request);
    CHECK(request->method == "POST");
    CHECK(request->target == "/wsman");
    CHECK(request->body == "hello");
    CHECK(find_header(request->headers, "Host") == "x");
    CHECK(parser.idle());
}

TEST_CASE("a chunked request body is de-chunked", "[unit][sim]") {
    RequestParser parser;
    parser.feed("POST /wsman HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\n<Enve\r\nB;ext=1\r\nlope></Env>\r\n0\r\n\r\n");
    auto request = parser.next();
    REQUIRE(request);
    CHECK(request->body == "<Envelope></Env>");
}

TEST_CASE("keep-alive: two pipelined requests come out one after the other", "[unit][sim]") {
    RequestParser parser;
    parser.feed("POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nAPOST /b HTTP/1.1\r\n"
                "Connection: close\r\nContent-Length: 1\r\n\r\nB");
    auto first = parser.next();
    auto second = parser.next();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->body == "A");
    CHECK_FALSE(first->wants_close());
    CHECK(second->target == "/b");
    CHECK(second->wants_close());
}

TEST_CASE("a request shaped as RPS relays it: chunked, Connection: close", "[unit][sim]") {
    // rps-protocol.md section 4: Host <uuid>:16992, chunked body, Connection: close.
    std::string body = "<Envelope>" + std::string(300, 'x') + "</Envelope>";
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    RequestParser parser;
    parser.feed("POST /wsman HTTP/1.1\r\nHost: 8c8a0a58-1d23-4c5e-9a3b-5e2f1a7c9d01:16992\r\n"
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
    auto request = parser.next();
    REQUIRE(request);
    CHECK(request->body == body);
    CHECK(request->wants_close());
    CHECK(parser.idle());
}

TEST_CASE("Connection is a list of options in any case (RFC 7230 6.1)", "[unit][sim]") {
    RequestParser parser;
    parser.feed("POST /a HTTP/1.1\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n"
                "POST /b HTTP/1.0\r\nConnection: TE, Keep-Alive\r\nContent-Length: 0\r\n\r\n");
    auto first = parser.next();
    auto second = parser.next();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->wants_close());
    CHECK_FALSE(second->wants_close());
}

TEST_CASE("trailer fields after the last chunk are consumed (RFC 7230 4.1.2)", "[unit][sim]") {
    RequestParser parser;
    parser.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                "X-Trailer: 1\r\nY: 2\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nB");
    auto first = parser.next();
    auto second = parser.next();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->body == "abc");
    CHECK(second->target == "/b");
    CHECK(parser.idle());
}

TEST_CASE("malformed requests are rejected", "[unit][sim]") {
    auto bad = GENERATE(
        as<std::string>{}, "GARBAGE\r\n\r\n", "POST /x HTTP/2\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 5g\r\n\r\nhello",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5g\r\nhello\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n",
        "POST /x HTTP/1.1\r\nno colon\r\n\r\n", "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    RequestParser parser;
    parser.feed(bad);
    CHECK_THROWS_AS(parser.next(), HttpParseError);
}

TEST_CASE("chunked responses cut the body mid-tag and de-chunk to the original", "[unit][sim]") {
    HttpResponse response;
    response.body = "<a:Envelope><a:Body>" + std::string(2000, 'x') + "</a:Body></a:Envelope>";
    auto bytes = serialize_response(response);
    CHECK(bytes.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(bytes.find("\r\n2fa\r\n") != std::string::npos);
    auto small = serialize_response(response, 7);
    CHECK(small.find("\r\n7\r\n<a:Enve\r\n") != std::string::npos); // boundary inside a tag
    auto parsed = test::read_response(small);
    CHECK(parsed.complete);
    CHECK(parsed.body == response.body);
}

TEST_CASE("Content-Length responses and Connection: close", "[unit][sim]") {
    HttpResponse response;
    response.status = 401;
    response.framing = BodyFraming::content_length;
    response.close = true;
    response.body = "<html/>";
    auto bytes = serialize_response(response);
    CHECK(bytes.starts_with("HTTP/1.1 401 Unauthorized\r\n"));
    CHECK(bytes.find("Connection: close\r\n") != std::string::npos);
    CHECK(bytes.ends_with("Content-Length: 7\r\n\r\n<html/>"));
}
