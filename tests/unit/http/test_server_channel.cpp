// connect_server() against real sockets on loopback: ws and wss (verified with a test CA, refused
// without it), a port nobody listens on, and a real proxy (tinyproxy) through --proxy, the proxy
// environment variables, no_proxy, Basic authentication and a refused CONNECT. Also the URL
// parser.
#include "amtcfg/http/server_channel.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/loopback.hpp"
#include "fakes/temp_dir.hpp"
#include "fakes/tinyproxy.hpp"
#include "unit/http/test_certificates.hpp"
#include "unit/http/upgrade_server.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <map>

using namespace amtcfg;
using namespace amtcfg::http;
using amtcfg::test::TinyProxy;
using amtcfg::test::TinyProxyOptions;

namespace {

// Clears every proxy variable libcurl reads for the life of a test, and restores them after.
class ProxyEnvironment {
public:
    ProxyEnvironment() {
        for (const char* name : k_names) {
            if (const char* value = std::getenv(name)) {
                m_saved[name] = value;
            }
            ::unsetenv(name);
        }
    }
    ~ProxyEnvironment() {
        for (const char* name : k_names) {
            ::unsetenv(name);
        }
        for (const auto& [name, value] : m_saved) {
            ::setenv(name.c_str(), value.c_str(), 1);
        }
    }
    ProxyEnvironment(const ProxyEnvironment&) = delete;
    ProxyEnvironment& operator=(const ProxyEnvironment&) = delete;
    void set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

private:
    static constexpr const char* k_names[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                              "HTTPS_PROXY", "all_proxy",  "ALL_PROXY",
                                              "no_proxy",    "NO_PROXY"};
    std::map<std::string, std::string> m_saved;
};

// A CA and a server certificate for 127.0.0.1 issued by it; the CA in a PEM file for libcurl.
struct ServerTls {
    testing::TempDir dir;
    testing::Issued ca;
    testing::Issued server;
    std::string ca_file = dir.file("ca.pem");

    ServerTls() {
        testing::IssueOptions ca_options;
        ca_options.subject = {{"CN", "amtcfg test server CA"}};
        ca = testing::issue(ca_options, nullptr);
        testing::IssueOptions server_options;
        server_options.subject = {{"CN", "127.0.0.1"}};
        server_options.ca = false;
        server_options.extended_key_usage = "serverAuth";
        server_options.subject_alt_name = "IP:127.0.0.1";
        server = testing::issue(server_options, &ca);
        FILE* file = std::fopen(ca_file.c_str(), "w");
        REQUIRE(file != nullptr);
        PEM_write_X509(file, ca.certificate.get());
        std::fclose(file);
    }
};

ServerOptions options_for(const std::string& url) {
    ServerOptions options;
    options.url = parse_server_url(url);
    return options;
}

std::string url_of(const char* scheme, std::uint16_t port) {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + "/activate";
}

// Upgrades the channel as a WebSocket client would and checks the 101 and the echo.
void check_upgrade_and_echo(ByteChannel& channel) {
    channel.send("GET /activate HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n");
    std::string received;
    while (received.find("\r\n\r\n") == std::string::npos) {
        REQUIRE(channel.receive(received, -1));
    }
    CHECK(received.starts_with("HTTP/1.1 101 "));
    CHECK_THAT(received, Catch::Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    received.clear();
    channel.send("echo me");
    while (received.size() < 7) {
        REQUIRE(channel.receive(received, -1));
    }
    CHECK(received == "echo me");
    received.clear();
    CHECK(channel.receive(received, 0)); // nothing more has come: still open
    CHECK(received.empty());
    channel.send("quit");
    bool open = true;
    while (open) {
        open = channel.receive(received, -1);
    }
    CHECK(received.empty());
    std::vector<pollfd> descriptors;
    channel.add_wait_descriptors(descriptors);
    CHECK(descriptors.size() == 1);
}

// Every line the log would show, at every level.
struct RecordingSink : LogSink {
    std::string text;
    void write(LogLevel, std::string_view line) override { text.append(line).append("\n"); }
};

Error connect_error(const ServerOptions& options, const Deadline& deadline) {
    Log log;
    try {
        connect_server(options, deadline, log);
    } catch (const Error& error) {
        return error;
    }
    FAIL("connect_server did not fail");
    return Error(ErrorCategory::internal, "");
}

} // namespace

TEST_CASE("parse_server_url takes ws and wss URLs apart", "[unit]") {
    ServerUrl url = parse_server_url("wss://rps.example/activate");
    CHECK(url.scheme == "wss");
    CHECK(url.secure());
    CHECK(url.host == "rps.example");
    CHECK(url.port == 443);
    CHECK(url.path == "/activate");
    CHECK(url.host_header() == "rps.example");

    url = parse_server_url("WS://rps.example:8080");
    CHECK(url.scheme == "ws");
    CHECK(url.port == 8080);
    CHECK(url.path == "/");
    CHECK(url.host_header() == "rps.example:8080");

    url = parse_server_url("https://[fd00::1]:8443/a?b=c#fragment");
    CHECK(url.scheme == "wss");
    CHECK(url.host == "fd00::1");
    CHECK(url.port == 8443);
    CHECK(url.path == "/a?b=c");
    CHECK(url.host_header() == "[fd00::1]:8443");

    url = parse_server_url("http://rps.example?tenant=1");
    CHECK(url.scheme == "ws");
    CHECK(url.path == "/?tenant=1");
    CHECK(parse_server_url("ws://[::1]").host_header() == "[::1]");
    CHECK(parse_server_url("ws://h:443/").host_header() == "h:443");
}

TEST_CASE("parse_server_url refuses what is not a server URL", "[unit]") {
    for (const char* text :
         {"rps.example/activate", "ftp://rps.example/", "wss:///activate", "wss://rps.example:0/",
          "wss://rps.example:65536/", "wss://rps.example:x/", "wss://user:pw@rps.example/",
          "wss://[::1/", "wss://[::1]x/"}) {
        CAPTURE(text);
        try {
            parse_server_url(text);
            FAIL("accepted");
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::usage);
            CHECK_THAT(std::string(error.what()), Catch::StartsWith("--server: "));
        }
    }
}

TEST_CASE("connect_server: ws straight to the server", "[unit]") {
    ProxyEnvironment environment;
    testing::UpgradeServer server;
    Deadline deadline(std::chrono::seconds(30));
    Log log;
    auto channel = connect_server(options_for(url_of("ws", server.port())), deadline, log);
    CHECK(channel->describe() == url_of("ws", server.port()));
    check_upgrade_and_echo(*channel);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].starts_with("GET /activate HTTP/1.1\r\n"));
}

TEST_CASE("connect_server: wss verified with --server-ca, refused without it", "[unit]") {
    ProxyEnvironment environment;
    ServerTls tls;
    testing::UpgradeServer server(tls.server.certificate.get(), tls.server.key.get());
    Deadline deadline(std::chrono::seconds(30));
    ServerOptions options = options_for(url_of("wss", server.port()));
    SECTION("verified with the CA") {
        options.ca_file = tls.ca_file;
        Log log;
        auto channel = connect_server(options, deadline, log);
        check_upgrade_and_echo(*channel);
    }
    SECTION("refused by the system's trust store") {
        Error error = connect_error(options, deadline);
        CHECK(error.category() == ErrorCategory::tls_failed);
        CHECK(exit_code(error.category()) == 22);
        CHECK_THAT(std::string(error.what()),
                   Catch::Contains(url_of("wss", server.port())) && Catch::Contains("certificate"));
    }
    SECTION("--server-insecure connects without verifying") {
        options.insecure = true;
        Log log;
        auto channel = connect_server(options, deadline, log);
        check_upgrade_and_echo(*channel);
    }
}

TEST_CASE("connect_server: nobody listening is server_unreachable", "[unit]") {
    ProxyEnvironment environment;
    Deadline deadline(std::chrono::seconds(30));
    std::string url = url_of("ws", amtcfg::test::closed_port());
    Error error = connect_error(options_for(url), deadline);
    CHECK(error.category() == ErrorCategory::server_unreachable);
    CHECK_THAT(std::string(error.what()), Catch::Contains(url) && Catch::Contains("connect"));
}

TEST_CASE("connect_server: an expired deadline is timed_out", "[unit]") {
    ProxyEnvironment environment;
    testing::UpgradeServer server;
    Deadline expired(std::chrono::milliseconds(0));
    Error error = connect_error(options_for(url_of("ws", server.port())), expired);
    CHECK(error.category() == ErrorCategory::timed_out);
}

TEST_CASE("connect_server: a server that never answers the TLS handshake is timed_out", "[unit]") {
    ProxyEnvironment environment;
    std::uint16_t port = 0;
    int listener = amtcfg::test::listen_loopback(port); // the kernel accepts; nobody speaks
    Deadline deadline(std::chrono::milliseconds(300));
    Error error = connect_error(options_for(url_of("wss", port)), deadline);
    ::close(listener);
    CHECK(error.category() == ErrorCategory::timed_out);
    CHECK_THAT(std::string(error.what()), Catch::Contains(url_of("wss", port)));
}

TEST_CASE("connect_server: through a real proxy with --proxy", "[unit]") {
    ProxyEnvironment environment;
    ServerTls tls;
    testing::UpgradeServer plain;
    testing::UpgradeServer secure(tls.server.certificate.get(), tls.server.key.get());
    TinyProxy proxy(TinyProxyOptions{{plain.port(), secure.port()}, {}, {}});
    Deadline deadline(std::chrono::seconds(30));
    Log log;
    // ws too goes through a CONNECT tunnel, not as a proxied GET.
    ServerOptions options = options_for(url_of("ws", plain.port()));
    options.proxy = proxy.url();
    auto channel = connect_server(options, deadline, log);
    CHECK(channel->describe() == url_of("ws", plain.port()) + " through proxy " + proxy.url());
    check_upgrade_and_echo(*channel);
    CHECK(proxy.saw_connect_to(plain.port()));

    options = options_for(url_of("wss", secure.port()));
    options.proxy = proxy.url();
    options.ca_file = tls.ca_file;
    check_upgrade_and_echo(*connect_server(options, deadline, log));
    CHECK(proxy.saw_connect_to(secure.port()));
}

TEST_CASE("connect_server: through the proxy of the environment", "[unit]") {
    ProxyEnvironment environment;
    ServerTls tls;
    testing::UpgradeServer plain;
    testing::UpgradeServer secure(tls.server.certificate.get(), tls.server.key.get());
    TinyProxy proxy;
    Deadline deadline(std::chrono::seconds(30));
    Log log;
    SECTION("https_proxy for wss") {
        environment.set("https_proxy", proxy.url());
        ServerOptions options = options_for(url_of("wss", secure.port()));
        options.ca_file = tls.ca_file;
        auto channel = connect_server(options, deadline, log);
        CHECK_THAT(channel->describe(), Catch::EndsWith("(from https_proxy)"));
        check_upgrade_and_echo(*channel);
        CHECK(proxy.saw_connect_to(secure.port()));
    }
    SECTION("http_proxy for ws") {
        environment.set("http_proxy", proxy.url());
        auto channel = connect_server(options_for(url_of("ws", plain.port())), deadline, log);
        CHECK_THAT(channel->describe(), Catch::EndsWith("(from http_proxy)"));
        check_upgrade_and_echo(*channel);
        CHECK(proxy.saw_connect_to(plain.port()));
    }
}

TEST_CASE("connect_server: no_proxy bypasses the proxy of the environment", "[unit]") {
    ProxyEnvironment environment;
    testing::UpgradeServer server;
    Deadline deadline(std::chrono::seconds(30));
    Log log;
    // A proxy that is not there: only a connection that bypasses it can succeed.
    std::string absent = "http://127.0.0.1:" + std::to_string(amtcfg::test::closed_port());
    environment.set("http_proxy", absent);
    std::string url = url_of("ws", server.port());
    Error error = connect_error(options_for(url), deadline);
    CHECK(error.category() == ErrorCategory::server_unreachable);
    CHECK_THAT(std::string(error.what()),
               Catch::Contains("through proxy " + absent + " (from http_proxy)"));

    environment.set("no_proxy", "localhost, 127.0.0.1");
    auto channel = connect_server(options_for(url), deadline, log);
    CHECK(channel->describe() == url);
    check_upgrade_and_echo(*channel);
    channel.reset();

    // libcurl applies no_proxy to --proxy as well.
    ServerOptions options = options_for(url);
    options.proxy = absent;
    channel = connect_server(options, deadline, log);
    CHECK(channel->describe() == url);
    check_upgrade_and_echo(*channel);
}

TEST_CASE("connect_server: proxy Basic authentication from the proxy URL", "[unit]") {
    ProxyEnvironment environment;
    testing::UpgradeServer server;
    TinyProxy proxy(TinyProxyOptions{{}, "amtcfg", "pr0xy-secret"});
    Deadline deadline(std::chrono::seconds(30));
    ServerOptions options = options_for(url_of("ws", server.port()));
    SECTION("the right credentials open the tunnel; they never appear") {
        options.proxy = proxy.url_with_credentials();
        Log log;
        RecordingSink sink;
        log.add_sink(sink, LogLevel::trace); // -vvv: libcurl's CONNECT request is traced
        auto channel = connect_server(options, deadline, log);
        CHECK_THAT(sink.text, Catch::Contains("CONNECT 127.0.0.1:") &&
                                  Catch::Contains("Proxy-Authorization: (redacted)"));
        CHECK(sink.text.find("pr0xy-secret") == std::string::npos);
        CHECK(sink.text.find("Proxy-Authorization: Basic") == std::string::npos);
        CHECK(channel->describe() == url_of("ws", server.port()) + " through proxy " + proxy.url());
        check_upgrade_and_echo(*channel);
        CHECK(proxy.saw_connect_to(server.port()));
    }
    SECTION("no credentials: HTTP 407 named") {
        options.proxy = proxy.url();
        Error error = connect_error(options, deadline);
        CHECK(error.category() == ErrorCategory::server_unreachable);
        CHECK_THAT(std::string(error.what()),
                   Catch::Contains("HTTP status 407") && Catch::Contains("wants credentials"));
    }
    SECTION("wrong credentials (tinyproxy answers 401), and the password is not shown") {
        options.proxy = "http://amtcfg:wrong-secret@127.0.0.1:" + std::to_string(proxy.port());
        Error error = connect_error(options, deadline);
        CHECK(error.category() == ErrorCategory::server_unreachable);
        std::string message = error.what();
        CHECK_THAT(message, Catch::Contains("HTTP status 401") &&
                                Catch::Contains("did not accept the credentials") &&
                                Catch::Contains("through proxy " + proxy.url()));
        CHECK(message.find("wrong-secret") == std::string::npos);
    }
}

TEST_CASE("connect_server: a proxy refusing the CONNECT is named with its status", "[unit]") {
    ProxyEnvironment environment;
    testing::UpgradeServer server;
    // Only some other port may be tunnelled to.
    TinyProxy proxy(TinyProxyOptions{{amtcfg::test::closed_port()}, {}, {}});
    Deadline deadline(std::chrono::seconds(30));
    ServerOptions options = options_for(url_of("ws", server.port()));
    options.proxy = proxy.url();
    Error error = connect_error(options, deadline);
    CHECK(error.category() == ErrorCategory::server_unreachable);
    CHECK_THAT(std::string(error.what()),
               Catch::Contains("the proxy refused the tunnel with HTTP status 403") &&
                   Catch::Contains(url_of("ws", server.port()) + " through proxy " + proxy.url()));
    CHECK(server.requests().empty());
}
