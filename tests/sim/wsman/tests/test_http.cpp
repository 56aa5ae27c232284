// HTTP/1.1 framing of the simulator's server side: requests in, chunked responses out.
#include "wsman/http_message.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("malformed requests are rejected", "[unit][sim]") {
    auto bad = GENERATE(as<std::string>{}, "GARBAGE\r\n\r\n", "POST /x HTTP/2\r\n\r\n",
                        "POST /x HTTP/1.1\r\nno colon\r\n\r\n",
                        "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
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
