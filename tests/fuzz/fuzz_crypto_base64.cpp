// Fuzz target for base64_decode: decodes, or throws DecodeError; decoded text re-encodes the same.
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        amtcfg::Bytes decoded = amtcfg::crypto::base64_decode(text);
        if (amtcfg::crypto::base64_encode(decoded) != text) {
            std::abort(); // only canonical text is accepted, so it must round-trip
        }
    } catch (const amtcfg::DecodeError&) {
    }
    return 0;
}
