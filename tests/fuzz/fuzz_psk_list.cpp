// Fuzz target: the PID/PPS list reader (--psk-file) must reject bad input only by Error.
#include "amtcfg/psk/psk_list.hpp"

#include "amtcfg/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size); // NOLINT: fuzz input
    try {
        auto pairs = amtcfg::psk::parse_psk_list(text);
        for (const auto& pair : pairs) {
            if (amtcfg::psk::pid_problem(pair.pid) || amtcfg::psk::pps_problem(pair.pps.reveal())) {
                __builtin_trap(); // the reader accepted a pair its own checks reject
            }
        }
    } catch (const amtcfg::Error&) {
    }
    return 0;
}
