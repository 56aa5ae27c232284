// Fuzz target: the setup.bin reader must decode any bytes without crashing or throwing.
#include "amtcfg/psk/setupbin.hpp"
#include "amtcfg/psk/setupbin_values.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto decoded = amtcfg::psk::decode_setup_bin(amtcfg::ByteView(data, size));
    for (const auto& record : decoded.records) {
        for (const auto& entry : record.entries) {
            (void)amtcfg::psk::show_value(entry, amtcfg::psk::SecretDisplay::show);
        }
    }
    // A file without problems must have exactly the size its header promises.
    if (decoded.problems.empty() && size != (1 + std::size_t{decoded.record_count}) * 512) {
        __builtin_trap();
    }
    return 0;
}
