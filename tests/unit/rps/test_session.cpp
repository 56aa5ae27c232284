// An RPS session against a scripted server: the first message, relayed requests, heartbeats,
// the outcome, and the refusals.
#include "amtcfg/rps/session.hpp"

#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/rps/relay.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/ws/frame.hpp"

#include "fakes/memory_channel.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <deque>
#include <map>

using namespace amtcfg;
using amtcfg::test::MemoryChannel;

namespace {

std::string base64(std::string_view text) {
    return crypto::base64_encode(Bytes(text.begin(), text.end()));
}

std::string unbase64(std::string_view text) {
    Bytes bytes = crypto::base64_decode(text);
    return {bytes.begin(), bytes.end()};
}

// One server message as the server sends it: an unmasked text frame.
std::string server_says(const nlohmann::json& message) {
    return ws::encode_frame(ws::Opcode::text, message.dump(), true, std::nullopt);
}

std::string wsman(std::string_view raw_request) {
    return server_says({{"method", "wsman"}, {"payload", base64(raw_request)}});
}

const std::string k_request = "POST /wsman HTTP/1.1\r\nHost: uuid:16992\r\n"
                              "Content-Length: 4\r\nConnection: close\r\n\r\nbody";
const std::string k_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// What the client sent, as decoded JSON messages (its frames must be masked).
std::vector<nlohmann::json> client_messages(const std::string& sent) {
    ws::FrameDecoder decoder(1 << 20, true);
    decoder.feed(sent);
    std::vector<nlohmann::json> messages;
    while (auto frame = decoder.next()) {
        if (frame->opcode == ws::Opcode::text) {
            messages.push_back(nlohmann::json::parse(frame->payload));
        }
    }
    return messages;
}

// Lends a fixture's channel to the session, which owns what it opens.
class Borrowed final : public ByteChannel {
public:
    Borrowed(MemoryChannel& channel, bool resets) : m_channel(channel), m_resets(resets) {}
    void send(std::string_view bytes) override {
        if (m_resets) {
            throw Error(ErrorCategory::wsman_unreachable,
                        "cannot send to AMT (a memory channel): Connection reset by peer");
        }
        m_channel.send(bytes);
    }
    bool receive(std::string& out, int timeout_ms) override {
        return m_channel.receive(out, timeout_ms);
    }
    void add_wait_descriptors(std::vector<pollfd>& out) const override {
        m_channel.add_wait_descriptors(out);
    }
    std::string describe() const override { return "AMT (a memory channel)"; }

private:
    MemoryChannel& m_channel;
    bool m_resets;
};

struct Fixture {
    explicit Fixture(std::string script) : server(std::move(script)) {}

    rps::Outcome run() {
        ws::Connection connection(server, deadline, [](std::uint8_t* out, std::size_t size) {
            std::fill(out, out + size, std::uint8_t{0x5a});
        });
        rps::AmtOpener opener = [this](std::uint16_t port) {
            ports.push_back(port);
            MemoryChannel& channel = amt.emplace_back(amt_answers.at(port), amt_closes);
            channel.chunk = 7; // the answer arrives in pieces
            bool resets = amt_resets_first && amt.size() == 1;
            return std::unique_ptr<ByteChannel>(std::make_unique<Borrowed>(channel, resets));
        };
        rps::SessionOptions options;
        options.app_version = "0.1.0";
        options.tenant_id = "tenant";
        options.progress = [this](std::string_view line) { progress.emplace_back(line); };
        options.amt_tls_only = tls_only;
        Log log;
        auto outcome = rps::run_session(connection, Secret("activate --profile p"),
                                        Secret(R"({"uuid":"u","password":"lsa"})"), opener, options,
                                        deadline, log);
        sent = client_messages(server.sent);
        return outcome;
    }

    MemoryChannel server;
    Deadline deadline;
    std::map<std::uint16_t, std::string> amt_answers{{16992, k_response}};
    std::vector<std::uint16_t> ports;
    bool tls_only = false;
    bool amt_closes = true;
    bool amt_resets_first = false; // the first connection's sends fail with a reset
    std::deque<MemoryChannel> amt; // one per connection the session opened
    std::vector<std::string> progress;
    std::vector<nlohmann::json> sent;
};

ErrorCategory category_of(Fixture& fixture, std::string* message = nullptr) {
    try {
        fixture.run();
    } catch (const Error& error) {
        if (message) {
            *message = error.what();
        }
        return error.category();
    }
    return ErrorCategory::internal;
}

} // namespace

TEST_CASE("the first message carries the command line and the payload") {
    Fixture fixture(server_says({{"method", "success"}, {"message", R"({"Status":"done"})"}}));
    auto outcome = fixture.run();
    CHECK(outcome.success);
    CHECK(outcome.message == R"({"Status":"done"})");
    REQUIRE(fixture.sent.size() == 1);
    const auto& first = fixture.sent[0];
    CHECK(first["method"] == "activate --profile p");
    CHECK(first["protocolVersion"] == "4.0.0");
    CHECK(first["appVersion"] == "0.1.0");
    CHECK(first["tenantId"] == "tenant");
    CHECK(nlohmann::json::parse(unbase64(first["payload"].get<std::string>()))["uuid"] == "u");
}

TEST_CASE("wsman requests are relayed byte for byte, one AMT connection each") {
    Fixture fixture(wsman(k_request) + wsman(k_request) +
                    server_says({{"method", "success"}, {"message", "{}"}}));
    auto outcome = fixture.run();
    REQUIRE(fixture.amt.size() == 2);
    CHECK(fixture.amt[0].sent == k_request);
    CHECK(outcome.relayed_requests == 2);
    CHECK(fixture.ports == std::vector<std::uint16_t>{16992, 16992});
    REQUIRE(fixture.sent.size() == 3);
    for (std::size_t i = 1; i <= 2; ++i) {
        CHECK(fixture.sent[i]["method"] == "response");
        CHECK(unbase64(fixture.sent[i]["payload"].get<std::string>()) == k_response);
    }
}

TEST_CASE("the server's error is the outcome, with its message") {
    Fixture fixture(wsman(k_request) +
                    server_says({{"method", "error"}, {"message", R"({"Status":"no profile"})"}}));
    auto outcome = fixture.run();
    CHECK_FALSE(outcome.success);
    CHECK(outcome.message == R"({"Status":"no profile"})");
    CHECK(outcome.relayed_requests == 1);
}

TEST_CASE("heartbeats are answered and progress is passed on") {
    Fixture fixture(server_says({{"method", "heartbeat_request"}}) +
                    server_says({{"method", "progress"}, {"message", "activating"}}) +
                    server_says({{"method", "success"}, {"message", "{}"}}));
    fixture.run();
    REQUIRE(fixture.sent.size() == 2);
    CHECK(fixture.sent[1]["method"] == "heartbeat_response");
    CHECK(fixture.sent[1]["status"] == "success");
    CHECK(fixture.progress == std::vector<std::string>{"activating"});
}

TEST_CASE("a server that closes before success or error fails the session, counted") {
    Fixture fixture(wsman(k_request));
    std::string message;
    CHECK(category_of(fixture, &message) == ErrorCategory::server_unreachable);
    CHECK_THAT(message, Catch::Contains("after 1 relayed requests"));
    CHECK_THAT(message, Catch::Contains("without a closing handshake"));
}

TEST_CASE("a request aimed at another port is refused and nothing reaches AMT") {
    Fixture fixture(wsman("POST http://127.0.0.1:22/wsman HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n") +
                    server_says({{"method", "success"}}));
    std::string message;
    CHECK(category_of(fixture, &message) == ErrorCategory::server_unreachable);
    CHECK_THAT(message, Catch::Contains("nothing was sent"));
    CHECK(fixture.ports.empty());
}

TEST_CASE("AMT closing without an answer is AMT's failure") {
    Fixture fixture(wsman(k_request) + server_says({{"method", "success"}}));
    fixture.amt_answers[16992] = "";
    CHECK(category_of(fixture) == ErrorCategory::wsman_unreachable);
}

TEST_CASE("the TLS tunnel carries records both ways and reopens for a new ClientHello") {
    std::string hello = std::string("\x16\x03\x01\x00\x05\x01rest", 10);
    std::string finished = std::string("\x17\x03\x03\x00\x02hi", 7);
    Fixture fixture(server_says({{"method", "port_switch"},
                                 {"payload", base64(R"({"port":"16993","delay":0})")}}) +
                    server_says({{"method", "tls_data"}, {"payload", base64(hello)}}) +
                    server_says({{"method", "tls_data"}, {"payload", base64(finished)}}) +
                    server_says({{"method", "tls_data"}, {"payload", base64(hello)}}) +
                    server_says({{"method", "success"}, {"message", "{}"}}));
    fixture.amt_answers = {{16993, ""}};
    fixture.amt_closes = false; // AMT keeps the connection: only the ClientHello reopens it
    auto outcome = fixture.run();
    CHECK(outcome.tls_tunnel);
    // Connection one for the port switch, a second one for the second ClientHello.
    CHECK(fixture.ports == std::vector<std::uint16_t>{16993, 16993});
    REQUIRE(fixture.amt.size() == 2);
    CHECK(fixture.amt[0].sent == hello + finished);
    CHECK(fixture.amt[1].sent == hello);
    REQUIRE(fixture.sent.size() >= 2);
    CHECK(fixture.sent[1]["method"] == "port_switch_ack");
}

TEST_CASE("a port_switch to another port is refused") {
    Fixture fixture(
        server_says({{"method", "port_switch"}, {"payload", base64(R"({"port":"22"})")}}) +
        server_says({{"method", "success"}}));
    std::string message;
    CHECK(category_of(fixture, &message) == ErrorCategory::server_unreachable);
    CHECK_THAT(message, Catch::Contains("\"22\""));
    CHECK(fixture.ports.empty());
}

TEST_CASE("what AMT sends through the tunnel goes to the server, and its close as a reset") {
    std::string server_hello = std::string("\x16\x03\x03\x00\x04\x02"
                                           "abc",
                                           9);
    Fixture fixture(
        server_says({{"method", "port_switch"}, {"payload", base64(R"({"port":16993})")}}));
    fixture.server.closes_after = false; // the server waits for AMT's answer
    fixture.amt_answers = {{16993, server_hello}};
    fixture.deadline = Deadline(std::chrono::milliseconds(0)); // ends the wait that follows
    CHECK(category_of(fixture) == ErrorCategory::timed_out);
    auto sent = client_messages(fixture.server.sent);
    std::string forwarded;
    bool reset = false;
    for (const auto& message : sent) {
        if (message["method"] == "tls_data") {
            forwarded += unbase64(message["payload"].get<std::string>());
        }
        reset = reset || message["method"] == "connection_reset";
    }
    CHECK(forwarded == server_hello);
    CHECK(reset);
}

TEST_CASE("AMT resetting a tunnelled connection is a connection_reset, not the end", "[unit]") {
    std::string hello = std::string("\x16\x03\x01\x00\x05\x01rest", 10);
    Fixture fixture(
        server_says({{"method", "port_switch"}, {"payload", base64(R"({"port":"16993"})")}}) +
        server_says({{"method", "tls_data"}, {"payload", base64(hello)}}) +
        server_says({{"method", "tls_data"}, {"payload", base64(hello)}}) +
        server_says({{"method", "success"}, {"message", "{}"}}));
    fixture.amt_answers = {{16993, ""}};
    fixture.amt_closes = false;
    fixture.amt_resets_first = true;
    auto outcome = fixture.run();
    CHECK(outcome.success);
    CHECK(fixture.ports == std::vector<std::uint16_t>{16993, 16993});
    REQUIRE(fixture.amt.size() == 2);
    CHECK(fixture.amt[1].sent == hello);
    REQUIRE(fixture.sent.size() >= 3);
    CHECK(fixture.sent[2]["method"] == "connection_reset");
}

TEST_CASE("a plain request for an AMT that takes only TLS is refused: the tunnel is required",
          "[unit]") {
    Fixture fixture(wsman(k_request) + server_says({{"method", "success"}}));
    fixture.tls_only = true;
    std::string message;
    CHECK(category_of(fixture, &message) == ErrorCategory::server_unreachable);
    CHECK_THAT(message, Catch::Contains("TLS tunnel"));
    CHECK(fixture.ports.empty());
}
