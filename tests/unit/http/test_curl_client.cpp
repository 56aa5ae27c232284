// Tests of the libcurl client against a loopback server that answers like AMT.
#include "amtcfg/http/curl_client.hpp"
#include "amtcfg/http/probe.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/loopback.hpp"
#include "unit/http/amt_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::http;
using amtcfg::test::closed_port;
using amtcfg::testing::AmtHttp;
using amtcfg::testing::LoopbackServer;

namespace {

class RecordingSink : public LogSink {
public:
    void write(LogLevel, std::string_view line) override { text += std::string(line) + "\n"; }
    std::string text;
};

Endpoint lms_endpoint(std::uint16_t port) {
    Endpoint endpoint;
    endpoint.port = port;
    endpoint.description = "LMS at 127.0.0.1:" + std::to_string(port);
    return endpoint;
}

} // namespace

TEST_CASE("digest authentication and a chunked answer through the libcurl client", "[unit]") {
    AmtHttp amt;
    LoopbackServer server(amt);
    Log log;
    Deadline deadline;
    auto client = make_curl_client(lms_endpoint(server.port()), {"admin", Secret(amt.password)},
                                   log, deadline);
    Response response = client->post("/wsman", "<Envelope>get</Envelope>");
    CHECK(response.status == 200);
    CHECK(response.body == amt.answer);
    CHECK(response.content_type == "application/soap+xml; charset=UTF-8");
    CHECK(amt.challenges == 1);
    CHECK(amt.authorized == 1);
    CHECK(amt.bodies == std::vector<std::string>{"<Envelope>get</Envelope>"});
}

TEST_CASE("later requests reuse the connection and the digest nonce", "[unit]") {
    AmtHttp amt;
    LoopbackServer server(amt);
    Log log;
    Deadline deadline;
    auto client = make_curl_client(lms_endpoint(server.port()), {"admin", Secret(amt.password)},
                                   log, deadline);
    std::string large(5000, 'b'); // larger than curl's "Expect: 100-continue" threshold
    for (int i = 0; i < 3; ++i) {
        CHECK(client->post("/wsman", large).status == 200);
    }
    CHECK(amt.challenges == 1);
    CHECK(amt.authorized == 3);
    CHECK(server.connections() == 2); // the challenge closes; the rest is kept alive
}

TEST_CASE("a wrong password is an HTTP 401 value, not an exception", "[unit]") {
    AmtHttp amt;
    LoopbackServer server(amt);
    Log log;
    Deadline deadline;
    auto client =
        make_curl_client(lms_endpoint(server.port()), {"admin", Secret("wrong")}, log, deadline);
    Response response = client->post("/wsman", "<Envelope/>");
    CHECK(response.status == 401);
    CHECK(amt.rejected == 1);
    CHECK(amt.authorized == 0);
}

TEST_CASE("an answer cut off inside its headers is wsman_unreachable, not a 401", "[unit]") {
    AmtHttp amt;
    amt.cut_challenge = 120; // inside WWW-Authenticate: no blank line ever comes
    LoopbackServer server(amt);
    Log log;
    Deadline deadline;
    auto client = make_curl_client(lms_endpoint(server.port()), {"admin", Secret(amt.password)},
                                   log, deadline);
    CHECK_THROWS_MATCHES(client->post("/wsman", "<Envelope/>"), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.category() == ErrorCategory::wsman_unreachable &&
                                    std::string(e.what()).find("before AMT's answer was "
                                                               "complete") != std::string::npos;
                         }));
}

TEST_CASE("an unreachable LMS is wsman_unreachable and names the path", "[unit]") {
    std::uint16_t port = closed_port();
    Log log;
    Deadline deadline;
    auto client = make_curl_client(lms_endpoint(port), {"admin", Secret("x")}, log, deadline);
    try {
        client->post("/wsman", "<Envelope/>");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::wsman_unreachable);
        CHECK_THAT(error.what(), Catch::Contains("LMS at 127.0.0.1:" + std::to_string(port)) &&
                                     Catch::Contains("cannot connect"));
    }
}

TEST_CASE("the -vvv trace shows requests and responses but never the password or a body",
          "[unit]") {
    AmtHttp amt;
    // An answer that holds a secret: the WS-Man layer traces bodies with those redacted, so this
    // layer must not print them at all.
    amt.answer = "<a:Envelope><a:Body><g:Password>an-answered-secret</g:Password></a:Body>"
                 "</a:Envelope>";
    LoopbackServer server(amt);
    RecordingSink sink;
    Log log;
    log.add_sink(sink, LogLevel::trace);
    Deadline deadline;
    auto client = make_curl_client(lms_endpoint(server.port()), {"admin", Secret(amt.password)},
                                   log, deadline);
    // The body carries the password too, as a SetMEBxPassword call would.
    client->post("/wsman", "<Password>" + amt.password + "</Password>");
    CHECK_THAT(sink.text, Catch::Contains("POST http://127.0.0.1:"));
    CHECK_THAT(sink.text, Catch::Contains("Authorization: (redacted)"));
    CHECK_THAT(sink.text, Catch::Contains("401 Unauthorized"));
    CHECK_THAT(sink.text, Catch::Contains("http: 200 application/soap+xml; charset=UTF-8 (" +
                                          std::to_string(amt.answer.size()) + " bytes)"));
    CHECK_THAT(sink.text, !Catch::Contains("an-answered-secret"));
    CHECK_THAT(sink.text, !Catch::Contains(amt.password));
}

TEST_CASE("a response body over the limit is refused, one at the limit is read", "[unit]") {
    AmtHttp amt;
    amt.chunk_size = 100;
    amt.answer = std::string(1000, 'x');
    LoopbackServer server(amt);
    Log log;
    Deadline deadline;
    CurlLimits limits;
    limits.max_body_bytes = 1000;
    auto client = make_curl_client(lms_endpoint(server.port()), {"admin", Secret(amt.password)},
                                   log, deadline, limits);
    CHECK(client->post("/wsman", "<Envelope/>").body.size() == 1000);
    amt.answer += "y";
    try {
        client->post("/wsman", "<Envelope/>");
        FAIL("an oversized body was accepted");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::amt_unavailable);
        CHECK_THAT(error.what(), Catch::Contains("larger than 1000 bytes") &&
                                     Catch::Contains("LMS at 127.0.0.1:"));
    }
}

TEST_CASE("the TCP probe tells a listener from a refused port", "[unit]") {
    AmtHttp amt;
    LoopbackServer server(amt);
    CHECK(probe_tcp("127.0.0.1", server.port(), 1000).result == ProbeResult::accepted);
    Probe refused = probe_tcp("127.0.0.1", closed_port(), 1000);
    CHECK(refused.result == ProbeResult::refused);
    CHECK(refused.detail == "connection refused");
    CHECK(probe_tcp("localhost", 16992, 1000).result == ProbeResult::failed);
}
