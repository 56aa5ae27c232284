// Fuzz target: the GetCertHashEntry decoder (two layouts, two algorithm mappings).
#include "amtcfg/amthi/codec.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto entry = amtcfg::amthi::decode_cert_hash_entry(amtcfg::ByteView(data, size));
        if (entry.hash.size() > 64) {
            __builtin_trap(); // a digest never exceeds the 64-byte field
        }
    } catch (const amtcfg::DecodeError&) {
    } catch (const amtcfg::Error&) {
    }
    return 0;
}
