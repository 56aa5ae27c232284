// Fuzz target: the WebSocket frame decoder over any bytes. The first input byte chooses whether
// frames must be masked (bit 0) and the size of the pieces the rest is fed in (bits 1-7).
// Checked: fed whole or in pieces, the decoder returns the same frames and fails at the same
// place; an unmasked frame it accepts encodes back to exactly the bytes it consumed (lengths are
// minimal, so the encoding is unique); nothing over the payload limit comes out.
#include "amtcfg/util/error.hpp"
#include "amtcfg/ws/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t k_limit = 4096;

struct Outcome {
    std::vector<amtcfg::ws::Frame> frames;
    bool failed = false;
};

Outcome decode(std::string_view input, bool masked, std::size_t piece) {
    Outcome out;
    amtcfg::ws::FrameDecoder decoder(k_limit, masked);
    try {
        for (std::size_t at = 0; at < input.size(); at += piece) {
            std::string chunk(input.substr(at, piece));
            decoder.feed_from(chunk);
            while (auto frame = decoder.next()) {
                out.frames.push_back(std::move(*frame));
            }
        }
    } catch (const amtcfg::Error&) {
        out.failed = true;
    }
    return out;
}

bool same(const amtcfg::ws::Frame& a, const amtcfg::ws::Frame& b) {
    return a.fin == b.fin && a.opcode == b.opcode && a.payload == b.payload;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    bool masked = (data[0] & 1U) != 0;
    std::size_t piece = (data[0] >> 1U) + 1U;
    std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    Outcome whole = decode(input, masked, input.size() + 1);
    Outcome pieces = decode(input, masked, piece);
    if (whole.failed != pieces.failed || whole.frames.size() != pieces.frames.size()) {
        __builtin_trap();
    }
    std::string encoded;
    for (std::size_t i = 0; i < whole.frames.size(); ++i) {
        const auto& frame = whole.frames[i];
        if (!same(frame, pieces.frames[i]) || frame.payload.size() > k_limit) {
            __builtin_trap();
        }
        if (!masked) {
            encoded += amtcfg::ws::encode_frame(frame.opcode, frame.payload, frame.fin, {});
        }
    }
    if (!masked && input.substr(0, encoded.size()) != encoded) {
        __builtin_trap();
    }
    return 0;
}
