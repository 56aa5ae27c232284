// Fuzz target: the GetCodeVersions decoder and the SKU decoding that follows it.
#include "amtcfg/amthi/codec.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto versions = amtcfg::amthi::decode_code_versions(amtcfg::ByteView(data, size));
        if (versions.entries.size() > amtcfg::amthi::k_max_code_versions) {
            __builtin_trap();
        }
        amtcfg::amthi::decode_sku_features(static_cast<std::uint32_t>(versions.entries.size()), 16);
    } catch (const amtcfg::DecodeError&) {
    } catch (const amtcfg::Error&) {
    }
    return 0;
}
