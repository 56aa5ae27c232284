// RFC 6455 section 5.2 framing: encode_frame and the incremental FrameDecoder.
#include "amtcfg/ws/frame.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace amtcfg::ws {
namespace {

// The header's bits and length forms (RFC 6455 section 5.2).
constexpr std::uint8_t k_fin = 0x80;
constexpr std::uint8_t k_reserved_bits = 0x70; // RSV1..3: no extension was negotiated
constexpr std::uint8_t k_opcode_bits = 0x0F;
constexpr std::uint8_t k_mask_bit = 0x80;
constexpr std::uint8_t k_length_bits = 0x7F;
constexpr std::uint8_t k_length_16 = 126; // a 16-bit length follows
constexpr std::uint8_t k_length_64 = 127; // a 64-bit length follows
constexpr std::size_t k_max_control_payload = 125;
constexpr std::size_t k_mask_size = 4;

constexpr std::array k_opcodes{Opcode::continuation, Opcode::text, Opcode::binary,
                               Opcode::close,        Opcode::ping, Opcode::pong};

// Once this many consumed bytes sit in front of the buffer, they are dropped.
constexpr std::size_t k_compact_after = 64 * 1024;

Error violation(const std::string& what) {
    return Error(ErrorCategory::server_unreachable, "WebSocket protocol violation: " + what);
}

std::uint8_t byte_at(const std::string& buffer, std::size_t index) {
    return static_cast<std::uint8_t>(buffer[index]);
}

} // namespace

std::string encode_frame(Opcode opcode, std::string_view payload, bool fin,
                         std::optional<std::array<std::uint8_t, 4>> mask) {
    if (is_control(opcode) && (!fin || payload.size() > k_max_control_payload)) {
        throw std::invalid_argument("a WebSocket control frame must be final and carry at most "
                                    "125 bytes");
    }
    std::string out;
    out.reserve(2 + 8 + k_mask_size + payload.size());
    out += static_cast<char>((fin ? k_fin : 0U) | static_cast<std::uint8_t>(opcode));
    std::uint8_t mask_bit = mask ? k_mask_bit : 0U;
    std::uint64_t size = payload.size();
    if (size < k_length_16) {
        out += static_cast<char>(mask_bit | static_cast<std::uint8_t>(size));
    } else if (size <= 0xFFFF) {
        out += static_cast<char>(mask_bit | k_length_16);
        out += static_cast<char>(size >> 8U);
        out += static_cast<char>(size & 0xFFU);
    } else {
        out += static_cast<char>(mask_bit | k_length_64);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out += static_cast<char>((size >> static_cast<unsigned>(shift)) & 0xFFU);
        }
    }
    if (!mask) {
        out.append(payload);
        return out;
    }
    for (std::uint8_t key_byte : *mask) {
        out += static_cast<char>(key_byte);
    }
    std::size_t start = out.size();
    out.resize(start + payload.size());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        out[start + i] =
            static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ (*mask)[i % k_mask_size]);
    }
    return out;
}

void FrameDecoder::feed_from(std::string& bytes) {
    if (pending() == 0) {
        m_buffer.swap(bytes); // the old buffer's capacity goes back to the caller for reuse
        m_offset = 0;
    } else {
        m_buffer.append(bytes);
    }
    bytes.clear();
}

std::optional<FrameDecoder::Parsed> FrameDecoder::parse_header() const {
    std::size_t available = pending();
    if (available < 2) {
        return std::nullopt;
    }
    std::uint8_t first = byte_at(m_buffer, m_offset);
    std::uint8_t second = byte_at(m_buffer, m_offset + 1);
    if ((first & k_reserved_bits) != 0) {
        throw violation(fmt::format("reserved bits set (0x{:02x})", first & k_reserved_bits));
    }
    auto opcode = static_cast<Opcode>(first & k_opcode_bits);
    if (std::find(k_opcodes.begin(), k_opcodes.end(), opcode) == k_opcodes.end()) {
        throw violation(fmt::format("reserved opcode 0x{:x}", first & k_opcode_bits));
    }
    Parsed parsed;
    parsed.header.fin = (first & k_fin) != 0;
    parsed.header.opcode = opcode;
    bool masked = (second & k_mask_bit) != 0;
    if (masked != m_expect_masked) {
        throw violation(masked ? "a masked frame (only a client masks its frames)"
                               : "an unmasked frame (a client must mask every frame)");
    }
    std::uint8_t length = second & k_length_bits;
    if (is_control(opcode) && !parsed.header.fin) {
        throw violation("a fragmented control frame");
    }
    if (is_control(opcode) && length > k_max_control_payload) {
        throw violation("a control frame longer than 125 bytes");
    }
    std::size_t extra = length == k_length_16 ? 2 : length == k_length_64 ? 8 : 0;
    parsed.header_size = 2 + extra + (masked ? k_mask_size : 0);
    if (available < parsed.header_size) {
        return std::nullopt;
    }
    std::uint64_t size = length;
    if (extra > 0) {
        size = 0;
        for (std::size_t i = 0; i < extra; ++i) {
            size = (size << 8U) | byte_at(m_buffer, m_offset + 2 + i);
        }
    }
    if (length == k_length_64 && (size >> 63U) != 0) {
        throw violation("a 64-bit payload length with the most significant bit set");
    }
    if ((length == k_length_16 && size < k_length_16) ||
        (length == k_length_64 && size <= 0xFFFF)) {
        throw violation(fmt::format("a payload length of {} not in its shortest form", size));
    }
    parsed.header.payload_size = size;
    if (masked) {
        for (std::size_t i = 0; i < k_mask_size; ++i) {
            parsed.mask[i] = byte_at(m_buffer, m_offset + 2 + extra + i);
        }
    }
    return parsed;
}

std::optional<FrameHeader> FrameDecoder::peek() const {
    auto parsed = parse_header();
    if (!parsed) {
        return std::nullopt;
    }
    return parsed->header;
}

std::optional<Frame> FrameDecoder::next() {
    auto parsed = parse_header();
    if (!parsed) {
        return std::nullopt;
    }
    std::uint64_t size = parsed->header.payload_size;
    if (size > m_max_payload) {
        throw violation(
            fmt::format("a frame of {} bytes (the limit is {} bytes)", size, m_max_payload));
    }
    // size <= m_max_payload, a size_t: the casts below cannot truncate.
    auto payload_size = static_cast<std::size_t>(size);
    if (pending() - parsed->header_size < payload_size) {
        return std::nullopt;
    }
    Frame frame;
    frame.fin = parsed->header.fin;
    frame.opcode = parsed->header.opcode;
    std::size_t start = m_offset + parsed->header_size;
    frame.payload.assign(m_buffer, start, payload_size);
    if (m_expect_masked) {
        for (std::size_t i = 0; i < payload_size; ++i) {
            frame.payload[i] = static_cast<char>(static_cast<std::uint8_t>(frame.payload[i]) ^
                                                 parsed->mask[i % k_mask_size]);
        }
    }
    m_offset = start + payload_size;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset >= k_compact_after) {
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    return frame;
}

} // namespace amtcfg::ws
