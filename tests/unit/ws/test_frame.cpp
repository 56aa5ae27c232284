// Tests of the RFC 6455 frame codec: the RFC's own examples, every length form, masking, each
// protocol violation the decoder refuses, and input arriving one byte at a time.
#include "amtcfg/util/error.hpp"
#include "amtcfg/ws/frame.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace amtcfg;
using namespace amtcfg::ws;

namespace {

constexpr std::array<std::uint8_t, 4> k_rfc_mask{0x37, 0xfa, 0x21, 0x3d};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int value : values) {
        out += static_cast<char>(value);
    }
    return out;
}

// Decodes `wire` as one frame that must be complete and leave nothing behind.
Frame decode_one(const std::string& wire, bool masked = false, std::size_t limit = 1 << 20) {
    FrameDecoder decoder(limit, masked);
    decoder.feed(wire);
    auto frame = decoder.next();
    REQUIRE(frame);
    CHECK(decoder.pending() == 0);
    return *frame;
}

// What the decoder says about `wire`: the violation's message, or "" when it accepts.
std::string refusal(const std::string& wire, bool masked = false, std::size_t limit = 1 << 20) {
    FrameDecoder decoder(limit, masked);
    decoder.feed(wire);
    try {
        decoder.next();
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::server_unreachable);
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("the RFC 6455 section 5.7 examples encode to the RFC's bytes", "[unit]") {
    CHECK(encode_frame(Opcode::text, "Hello", true, std::nullopt) ==
          bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(encode_frame(Opcode::text, "Hello", true, k_rfc_mask) ==
          bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
    CHECK(encode_frame(Opcode::text, "Hel", false, std::nullopt) ==
          bytes({0x01, 0x03, 0x48, 0x65, 0x6c}));
    CHECK(encode_frame(Opcode::continuation, "lo", true, std::nullopt) ==
          bytes({0x80, 0x02, 0x6c, 0x6f}));
    CHECK(encode_frame(Opcode::ping, "Hello", true, std::nullopt) ==
          bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(encode_frame(Opcode::pong, "Hello", true, k_rfc_mask) ==
          bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST_CASE("the RFC 6455 section 5.7 examples decode", "[unit]") {
    Frame hello = decode_one(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(hello.fin);
    CHECK(hello.opcode == Opcode::text);
    CHECK(hello.payload == "Hello");

    Frame masked =
        decode_one(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}), true);
    CHECK(masked.payload == "Hello");

    FrameDecoder decoder(1024, false);
    decoder.feed(bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
    auto first = decoder.next();
    auto second = decoder.next();
    REQUIRE(first);
    REQUIRE(second);
    CHECK_FALSE(first->fin);
    CHECK(first->opcode == Opcode::text);
    CHECK(first->payload == "Hel");
    CHECK(second->fin);
    CHECK(second->opcode == Opcode::continuation);
    CHECK(second->payload == "lo");
    CHECK_FALSE(decoder.next());
}

TEST_CASE("every length form round-trips at its boundaries", "[unit]") {
    // 7-bit up to 125, 16-bit from 126 to 65535, 64-bit from 65536.
    struct Case {
        std::size_t size;
        std::size_t header; // unmasked
        int length_byte;
    };
    auto form = GENERATE(Case{0, 2, 0}, Case{125, 2, 125}, Case{126, 4, 126}, Case{65535, 4, 126},
                         Case{65536, 10, 127}, Case{70000, 10, 127});
    std::string payload(form.size, 'x');
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<char>(i * 7);
    }
    std::string plain = encode_frame(Opcode::binary, payload, true, std::nullopt);
    CHECK(plain.size() == form.header + form.size);
    CHECK(static_cast<std::uint8_t>(plain[1]) == form.length_byte);
    CHECK(decode_one(plain).payload == payload);

    std::string masked = encode_frame(Opcode::binary, payload, true, k_rfc_mask);
    CHECK(masked.size() == form.header + 4 + form.size);
    CHECK(static_cast<std::uint8_t>(masked[1]) == (0x80 | form.length_byte));
    CHECK(decode_one(masked, true).payload == payload);
}

TEST_CASE("the 16- and 64-bit lengths are big-endian", "[unit]") {
    std::string frame = encode_frame(Opcode::text, std::string(256, 'a'), true, std::nullopt);
    CHECK(frame.substr(0, 4) == bytes({0x81, 0x7e, 0x01, 0x00}));
    frame = encode_frame(Opcode::binary, std::string(65536, 'a'), true, std::nullopt);
    CHECK(frame.substr(0, 10) == bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST_CASE("masking changes the bytes on the wire and not the payload", "[unit]") {
    std::string payload = "{\"method\":\"activate\"}";
    std::string masked = encode_frame(Opcode::text, payload, true, k_rfc_mask);
    CHECK(masked.find(payload) == std::string::npos);
    CHECK(decode_one(masked, true).payload == payload);
}

TEST_CASE("frames fed one byte at a time come out whole, once", "[unit]") {
    std::string wire = encode_frame(Opcode::text, std::string(300, 'q'), false, std::nullopt) +
                       encode_frame(Opcode::ping, "p", true, std::nullopt) +
                       encode_frame(Opcode::continuation, "end", true, std::nullopt);
    FrameDecoder decoder(1024, false);
    std::vector<Frame> frames;
    for (char byte : wire) {
        decoder.feed(std::string_view(&byte, 1));
        while (auto frame = decoder.next()) {
            frames.push_back(*frame);
        }
    }
    REQUIRE(frames.size() == 3);
    CHECK(frames[0].payload == std::string(300, 'q'));
    CHECK(frames[1].opcode == Opcode::ping);
    CHECK(frames[1].payload == "p");
    CHECK(frames[2].payload == "end");
    CHECK(decoder.pending() == 0);
}

TEST_CASE("peek tells a frame's size before its payload has arrived", "[unit]") {
    std::string wire = encode_frame(Opcode::text, std::string(1000, 'z'), false, std::nullopt);
    FrameDecoder decoder(10, false); // peek does not apply the payload limit; next does
    decoder.feed(wire.substr(0, 1));
    CHECK_FALSE(decoder.peek());
    decoder.feed(wire.substr(1, 3));
    auto header = decoder.peek();
    REQUIRE(header);
    CHECK(header->payload_size == 1000);
    CHECK(header->opcode == Opcode::text);
    CHECK_FALSE(header->fin);
    CHECK_THAT(std::string(refusal(wire, false, 10)), Catch::Contains("1000 bytes"));
}

TEST_CASE("feed_from takes the bytes and keeps what was pending", "[unit]") {
    std::string wire = encode_frame(Opcode::text, "Hello", true, std::nullopt);
    FrameDecoder decoder(1024, false);
    std::string part = wire.substr(0, 3);
    decoder.feed_from(part);
    CHECK(part.empty());
    CHECK_FALSE(decoder.next());
    part = wire.substr(3);
    decoder.feed_from(part);
    CHECK(part.empty());
    auto frame = decoder.next();
    REQUIRE(frame);
    CHECK(frame->payload == "Hello");
}

TEST_CASE("each RFC 6455 violation is refused and named", "[unit]") {
    CHECK_THAT(refusal(bytes({0xc1, 0x00})), Catch::Contains("reserved bits"));
    CHECK_THAT(refusal(bytes({0x91, 0x00})), Catch::Contains("reserved bits"));
    CHECK_THAT(refusal(bytes({0x83, 0x00})), Catch::Contains("reserved opcode 0x3"));
    CHECK_THAT(refusal(bytes({0x8b, 0x00})), Catch::Contains("reserved opcode 0xb"));
    CHECK_THAT(refusal(bytes({0x81, 0x80, 1, 2, 3, 4})), Catch::Contains("a masked frame"));
    CHECK_THAT(refusal(bytes({0x81, 0x00}), true), Catch::Contains("an unmasked frame"));
    CHECK_THAT(refusal(bytes({0x09, 0x00})), Catch::Contains("fragmented control frame"));
    CHECK_THAT(refusal(bytes({0x88, 0x7e, 0x00, 0x7e})),
               Catch::Contains("control frame longer than 125"));
    CHECK_THAT(refusal(bytes({0x81, 0x7e, 0x00, 0x7d})), Catch::Contains("shortest form"));
    CHECK_THAT(refusal(bytes({0x81, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff})),
               Catch::Contains("shortest form"));
    CHECK_THAT(refusal(bytes({0x81, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0})),
               Catch::Contains("most significant bit"));
    CHECK_THAT(refusal(bytes({0x81, 0x0b}), false, 10), Catch::Contains("limit is 10 bytes"));
    // The same frames within the rules are accepted.
    CHECK(refusal(bytes({0x81, 0x7e, 0x00, 0x7e}) + std::string(126, 'a')).empty());
    CHECK(refusal(bytes({0x81, 0x0a}) + std::string(10, 'a'), false, 10).empty());
}

TEST_CASE("encode_frame refuses control frames a caller got wrong", "[unit]") {
    CHECK_THROWS_AS(encode_frame(Opcode::ping, "x", false, std::nullopt), std::invalid_argument);
    CHECK_THROWS_AS(encode_frame(Opcode::close, std::string(126, 'x'), true, std::nullopt),
                    std::invalid_argument);
    CHECK_NOTHROW(encode_frame(Opcode::close, std::string(125, 'x'), true, std::nullopt));
}
