// Tests of ws::Connection over an in-memory ByteChannel that plays the server: the opening
// handshake, reassembly, ping/pong, the limits, the closing handshake, the end of the stream and
// the deadline.
#include "amtcfg/util/error.hpp"
#include "amtcfg/ws/connection.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <functional>

using namespace amtcfg;
using namespace amtcfg::ws;

namespace {

// The server side: each receive() hands over the next scripted chunk; once they run out, the
// peer has closed when `ends` is set, else nothing has arrived yet. Records what was sent.
class FakeChannel : public ByteChannel {
public:
    std::deque<std::string> incoming;
    bool ends = false;
    bool ends_with_last_chunk = false; // the end is reported together with the last bytes
    std::string sent;
    std::vector<int> waits;
    std::function<void(FakeChannel&)> on_send;

    void send(std::string_view bytes) override {
        sent.append(bytes);
        if (on_send) {
            on_send(*this);
        }
    }
    bool receive(std::string& out, int timeout_ms) override {
        waits.push_back(timeout_ms);
        if (incoming.empty()) {
            return !ends;
        }
        out += incoming.front();
        incoming.pop_front();
        return !(ends_with_last_chunk && incoming.empty());
    }
    void add_wait_descriptors(std::vector<pollfd>&) const override {}
    std::string describe() const override { return "ws://rps.test/activate"; }
};

// Counts up from 1: the nonce and masks are known, and differ from one call to the next.
Connection::RandomBytes counting_random() {
    auto next = std::make_shared<std::uint8_t>(0);
    return [next](std::uint8_t* out, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) {
            out[i] = ++*next;
        }
    };
}

std::string sent_key(const std::string& request) {
    std::string field = "Sec-WebSocket-Key: ";
    auto start = request.find(field);
    REQUIRE(start != std::string::npos);
    start += field.size();
    return request.substr(start, request.find("\r\n", start) - start);
}

std::string answer_101(const std::string& accept, const std::string& extra = "") {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           accept + "\r\n" + extra + "\r\n";
}

// Answers the upgrade request, once it is sent, with `answer(key)` followed by `after`.
void answer_with(FakeChannel& channel, std::function<std::string(const std::string&)> answer,
                 std::string after = "") {
    channel.on_send = [answer = std::move(answer), after = std::move(after)](FakeChannel& self) {
        self.incoming.push_back(answer(sent_key(self.sent)) + after);
        self.on_send = nullptr;
    };
}

std::string server_frame(Opcode opcode, std::string_view payload, bool fin = true) {
    return encode_frame(opcode, payload, fin, std::nullopt);
}

// The frames the client sent after its upgrade request, unmasked; each must be masked.
std::vector<Frame> client_frames(const FakeChannel& channel) {
    FrameDecoder decoder(1 << 20, /*expect_masked=*/true);
    decoder.feed(std::string_view(channel.sent).substr(channel.sent.find("\r\n\r\n") + 4));
    std::vector<Frame> frames;
    while (auto frame = decoder.next()) {
        frames.push_back(*frame);
    }
    CHECK(decoder.pending() == 0);
    return frames;
}

std::uint16_t close_code(const Frame& frame) {
    REQUIRE(frame.opcode == Opcode::close);
    REQUIRE(frame.payload.size() >= 2);
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(frame.payload[0]) << 8) |
                                      static_cast<std::uint8_t>(frame.payload[1]));
}

struct Opened {
    FakeChannel channel;
    Deadline deadline{std::chrono::seconds(30)};
    Connection connection;
    explicit Opened(Limits limits = {}, std::string after = "")
        : connection(channel, deadline, counting_random(), limits) {
        answer_with(
            channel, [](const std::string& key) { return answer_101(accept_value(key)); },
            std::move(after));
        connection.open("rps.test", "/activate");
    }
};

Error error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    FAIL("no amtcfg::Error was thrown");
    return Error(ErrorCategory::internal, "");
}

} // namespace

TEST_CASE("accept_value is the RFC 6455 section 1.3 example", "[unit]") {
    CHECK(accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("the upgrade request carries host, path, key and version 13", "[unit]") {
    CHECK(upgrade_request("rps.test:8080", "/activate?x=1", "a2V5") ==
          "GET /activate?x=1 HTTP/1.1\r\nHost: rps.test:8080\r\nUpgrade: websocket\r\n"
          "Connection: Upgrade\r\nSec-WebSocket-Key: a2V5\r\nSec-WebSocket-Version: 13\r\n\r\n");
}

TEST_CASE("a correct 101 answer opens the connection with a random 16-byte key", "[unit]") {
    Opened opened;
    // counting_random's first 16 bytes are 1..16.
    CHECK(sent_key(opened.channel.sent) == "AQIDBAUGBwgJCgsMDQ4PEA==");
    CHECK(opened.channel.sent.starts_with("GET /activate HTTP/1.1\r\nHost: rps.test\r\n"));
    CHECK_FALSE(opened.connection.closed());
}

TEST_CASE("an answer that does not accept the upgrade is refused and named", "[unit]") {
    FakeChannel channel;
    Deadline deadline(std::chrono::seconds(30));
    Connection connection(channel, deadline, counting_random());
    auto expect_refusal = [&](const std::string& expected) {
        Error error = error_of([&] { connection.open("rps.test", "/activate"); });
        CHECK(error.category() == ErrorCategory::server_unreachable);
        CHECK_THAT(std::string(error.what()),
                   Catch::Contains(expected) && Catch::Contains("ws://rps.test/activate"));
    };
    SECTION("a wrong Sec-WebSocket-Accept") {
        answer_with(channel, [](const std::string&) { return answer_101(accept_value("other")); });
        expect_refusal("Sec-WebSocket-Accept does not match");
    }
    SECTION("a status other than 101 names the status line") {
        answer_with(channel, [](const std::string&) {
            return std::string("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        });
        expect_refusal("\"HTTP/1.1 403 Forbidden\"");
    }
    SECTION("no Upgrade field") {
        answer_with(channel, [](const std::string& key) {
            return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: " +
                   accept_value(key) + "\r\n\r\n";
        });
        expect_refusal("Upgrade: websocket");
    }
    SECTION("an extension that was not offered") {
        answer_with(channel, [](const std::string& key) {
            return answer_101(accept_value(key),
                              "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        });
        expect_refusal("not offered");
    }
    SECTION("the server closes before answering") {
        channel.ends = true;
        expect_refusal("closed the connection without answering");
    }
}

TEST_CASE("an answer arriving in pieces is put together", "[unit]") {
    FakeChannel channel;
    Deadline deadline(std::chrono::seconds(30));
    Connection connection(channel, deadline, counting_random());
    channel.on_send = [](FakeChannel& self) {
        std::string answer = answer_101(accept_value(sent_key(self.sent)));
        for (char byte : answer) {
            self.incoming.emplace_back(1, byte);
        }
        self.on_send = nullptr;
    };
    connection.open("rps.test", "/activate");
    CHECK_FALSE(connection.closed());
}

TEST_CASE("frames sent right behind the 101 answer are kept", "[unit]") {
    Opened opened({}, server_frame(Opcode::text, "first") + server_frame(Opcode::text, "second"));
    CHECK(opened.connection.receive_text(0) == "first");
    CHECK(opened.connection.receive_text(0) == "second");
    CHECK_FALSE(opened.connection.receive_text(0));
    CHECK_FALSE(opened.connection.closed());
}

TEST_CASE("send_text sends one masked text frame", "[unit]") {
    Opened opened;
    opened.connection.send_text("{\"method\":\"activate\"}");
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].opcode == Opcode::text);
    CHECK(frames[0].fin);
    CHECK(frames[0].payload == "{\"method\":\"activate\"}");
}

TEST_CASE("a fragmented message is reassembled and a ping in between answered", "[unit]") {
    Opened opened;
    opened.channel.incoming = {server_frame(Opcode::text, "{\"method\":", false),
                               server_frame(Opcode::ping, "are you there"),
                               server_frame(Opcode::continuation, "\"wsman\",", false) +
                                   server_frame(Opcode::pong, "ignored"),
                               server_frame(Opcode::continuation, "\"payload\":\"\"}")};
    CHECK(opened.connection.receive_text(-1) == "{\"method\":\"wsman\",\"payload\":\"\"}");
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].opcode == Opcode::pong);
    CHECK(frames[0].payload == "are you there");
}

TEST_CASE("a message over the limit closes with 1009 and fails", "[unit]") {
    Opened opened(Limits{10});
    auto script = GENERATE(std::vector<std::string>{server_frame(Opcode::text, "0123456789A")},
                           // fragments that are each under the limit
                           std::vector<std::string>{server_frame(Opcode::text, "012345", false),
                                                    server_frame(Opcode::continuation, "6789A")});
    opened.channel.incoming = {script.begin(), script.end()};
    Error error = error_of([&] { opened.connection.receive_text(-1); });
    CHECK(error.category() == ErrorCategory::server_unreachable);
    CHECK_THAT(std::string(error.what()), Catch::Contains("over the limit of 10 bytes"));
    REQUIRE(opened.connection.closed());
    CHECK(opened.connection.close_info()->code == k_close_too_big);
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == 1009);
}

TEST_CASE("a message of exactly the limit is accepted", "[unit]") {
    Opened opened(Limits{10});
    opened.channel.incoming = {server_frame(Opcode::text, "01234", false),
                               server_frame(Opcode::continuation, "56789")};
    CHECK(opened.connection.receive_text(-1) == "0123456789");
}

TEST_CASE("a binary message is refused with 1003", "[unit]") {
    Opened opened;
    opened.channel.incoming = {server_frame(Opcode::binary, "\x01\x02")};
    Error error = error_of([&] { opened.connection.receive_text(-1); });
    CHECK(error.category() == ErrorCategory::server_unreachable);
    CHECK_THAT(std::string(error.what()), Catch::Contains("binary"));
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == 1003);
}

TEST_CASE("a frame that breaks the protocol closes with 1002 and fails", "[unit]") {
    Opened opened;
    auto script = GENERATE(
        // a masked frame from the server
        std::vector<std::string>{encode_frame(Opcode::text, "x", true, {{1, 2, 3, 4}})},
        // a continuation without a message
        std::vector<std::string>{server_frame(Opcode::continuation, "x")},
        // a new message inside a fragmented one
        std::vector<std::string>{server_frame(Opcode::text, "a", false),
                                 server_frame(Opcode::text, "b")});
    opened.channel.incoming = {script.begin(), script.end()};
    Error error = error_of([&] { opened.connection.receive_text(-1); });
    CHECK(error.category() == ErrorCategory::server_unreachable);
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == 1002);
    CHECK(opened.connection.close_info()->code == k_close_protocol_error);
}

TEST_CASE("a close from the server is answered and reported", "[unit]") {
    Opened opened;
    opened.channel.incoming = {server_frame(Opcode::text, "last") +
                               server_frame(Opcode::close, std::string("\x03\xe8", 2) + "bye")};
    CHECK(opened.connection.receive_text(-1) == "last");
    CHECK_FALSE(opened.connection.receive_text(-1));
    REQUIRE(opened.connection.closed());
    CHECK(opened.connection.close_info()->code == 1000);
    CHECK(opened.connection.close_info()->reason == "bye");
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == 1000);
    // Once closed, nothing more is read or sent.
    std::size_t reads = opened.channel.waits.size();
    CHECK_FALSE(opened.connection.receive_text(-1));
    opened.connection.close();
    CHECK(opened.channel.waits.size() == reads);
    CHECK(client_frames(opened.channel).size() == 1);
    CHECK_THROWS_AS(opened.connection.send_text("late"), Error);
}

TEST_CASE("a close frame without a code reports 1005", "[unit]") {
    Opened opened;
    opened.channel.incoming = {server_frame(Opcode::close, "")};
    CHECK_FALSE(opened.connection.receive_text(-1));
    CHECK(opened.connection.close_info()->code == k_close_no_status);
}

TEST_CASE("the end of the stream without a close frame is 1006", "[unit]") {
    Opened opened;
    opened.channel.incoming = {server_frame(Opcode::text, "partial", false)};
    opened.channel.ends = true;
    CHECK_FALSE(opened.connection.receive_text(-1));
    REQUIRE(opened.connection.closed());
    CHECK(opened.connection.close_info()->code == k_close_abnormal);
    CHECK(client_frames(opened.channel).empty()); // nothing is sent to a stream that ended
}

TEST_CASE("bytes that come together with the end of the stream are still read", "[unit]") {
    FakeChannel channel;
    channel.ends = true;
    channel.ends_with_last_chunk = true;
    Deadline deadline(std::chrono::seconds(30));
    Connection connection(channel, deadline, counting_random());
    answer_with(
        channel, [](const std::string& key) { return answer_101(accept_value(key)); },
        server_frame(Opcode::text, "last words"));
    connection.open("rps.test", "/activate");
    CHECK(connection.receive_text(-1) == "last words");
    CHECK_FALSE(connection.receive_text(-1));
    CHECK(connection.close_info()->code == k_close_abnormal);
}

TEST_CASE("close() sends its code and waits for the server's answer", "[unit]") {
    Opened opened;
    opened.channel.on_send = [](FakeChannel& self) {
        // A message still under way, then the answering close.
        self.incoming.push_back(server_frame(Opcode::text, "dropped") +
                                server_frame(Opcode::close, std::string("\x03\xe8", 2)));
    };
    opened.connection.close(1000, "done");
    REQUIRE(opened.connection.closed());
    CHECK(opened.connection.close_info()->code == 1000);
    auto frames = client_frames(opened.channel);
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == 1000);
    CHECK(frames[0].payload.substr(2) == "done");
}

TEST_CASE("close() also ends when the server just drops the connection", "[unit]") {
    Opened opened;
    opened.channel.ends = true;
    opened.connection.close();
    CHECK(opened.connection.close_info()->code == k_close_abnormal);
}

TEST_CASE("waits are bounded by the timeout and the deadline", "[unit]") {
    FakeChannel channel;
    Deadline expired(std::chrono::milliseconds(0));
    Connection connection(channel, expired, counting_random());
    SECTION("open") {
        Error error = error_of([&] { connection.open("rps.test", "/"); });
        CHECK(error.category() == ErrorCategory::timed_out);
        CHECK_THAT(std::string(error.what()), Catch::Contains("WebSocket upgrade"));
    }
    SECTION("receive_text until the deadline") {
        Error error = error_of([&] { connection.receive_text(-1); });
        CHECK(error.category() == ErrorCategory::timed_out);
        CHECK_THAT(std::string(error.what()), Catch::Contains("waiting for a message"));
    }
    SECTION("receive_text(0) looks once at what arrived, without waiting") {
        CHECK_FALSE(connection.receive_text(0));
        CHECK(channel.waits == std::vector<int>{0});
        CHECK_FALSE(connection.closed());
        channel.incoming = {server_frame(Opcode::text, "here")};
        CHECK(connection.receive_text(0) == "here");
    }
    SECTION("close") {
        CHECK(error_of([&] { connection.close(); }).category() == ErrorCategory::timed_out);
    }
}

TEST_CASE("receive_text with a timeout returns nothing when nothing came", "[unit]") {
    Opened opened;
    std::size_t before = opened.channel.waits.size();
    CHECK_FALSE(opened.connection.receive_text(1));
    CHECK_FALSE(opened.connection.closed());
    REQUIRE(opened.channel.waits.size() > before);
    for (std::size_t i = before; i < opened.channel.waits.size(); ++i) {
        CHECK(opened.channel.waits[i] <= 1);
    }
}
