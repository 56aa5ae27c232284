// Fuzz target: the MKHI GetFwVersion and watchdog IsChangeToAMTEnabled decoders.
#include "amtcfg/amthi/mkhi.hpp"
#include "amtcfg/util/error.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    amtcfg::ByteView input(data, size);
    try {
        amtcfg::amthi::decode_mkhi_fw_version(input);
    } catch (const amtcfg::DecodeError&) {
    } catch (const amtcfg::Error&) {
    }
    try {
        amtcfg::amthi::decode_is_change_to_amt_enabled(input);
    } catch (const amtcfg::DecodeError&) {
    }
    return 0;
}
