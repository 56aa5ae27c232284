// RFC 6455 framing: pure encode and incremental decode of WebSocket frames, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::ws {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

struct Frame {
    bool fin = true;
    Opcode opcode = Opcode::text;
    std::string payload; // unmasked
};

// What a frame's header says, before its payload has arrived.
struct FrameHeader {
    bool fin = true;
    Opcode opcode = Opcode::text;
    std::uint64_t payload_size = 0;
};

// Whether `opcode` is a control frame's (close, ping, pong: the high bit of the opcode).
constexpr bool is_control(Opcode opcode) {
    return (static_cast<std::uint8_t>(opcode) & 0x8U) != 0;
}

// One frame on the wire. A client masks every frame with `mask` (RFC 6455 section 5.3); a
// server sends none. Control frames must be final and carry at most 125 bytes: encode_frame
// throws std::invalid_argument otherwise (a caller's bug, not outside input).
std::string encode_frame(Opcode opcode, std::string_view payload, bool fin,
                         std::optional<std::array<std::uint8_t, 4>> mask);

// Cuts frames out of a byte stream as it arrives. Outside bytes that break RFC 6455 (reserved
// bits or opcodes, a masked frame where none is expected or the reverse, a control frame that
// is fragmented or longer than 125 bytes, a non-minimal or 64-bit length with the top bit set,
// a payload over `max_payload`) throw amtcfg::Error(server_unreachable) naming the violation.
class FrameDecoder {
public:
    FrameDecoder(std::size_t max_payload, bool expect_masked)
        : m_max_payload(max_payload), m_expect_masked(expect_masked) {}

    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    // As feed(), taking the bytes out of `bytes` (left empty): no copy when nothing is pending,
    // which is the usual case of a reader that feeds whatever the socket gave it.
    void feed_from(std::string& bytes);
    // The next frame's header once it has arrived, or nothing yet. Throws as next() does for a
    // header that breaks RFC 6455, except for the size limit: a caller that enforces a limit of
    // its own (a whole message's) looks here before the payload is read.
    std::optional<FrameHeader> peek() const;
    // The next whole frame, or nothing until more bytes are fed.
    std::optional<Frame> next();
    // Bytes fed and not yet returned as a frame.
    std::size_t pending() const { return m_buffer.size() - m_offset; }

private:
    struct Parsed {
        FrameHeader header;
        std::size_t header_size = 0;
        std::array<std::uint8_t, 4> mask{};
    };
    std::optional<Parsed> parse_header() const;

    std::size_t m_max_payload;
    bool m_expect_masked;
    std::string m_buffer;
    std::size_t m_offset = 0;
};

} // namespace amtcfg::ws
