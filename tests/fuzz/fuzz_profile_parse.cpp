// Fuzz target for parse_profile: any input either parses or throws Error(invalid_input).
#include "amtcfg/profile/profile.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        amtcfg::profile::parse_profile(text, "fuzz.xml");
    } catch (const amtcfg::Error& error) {
        if (error.category() != amtcfg::ErrorCategory::invalid_input) {
            std::abort(); // a profile problem must always be exit code 3
        }
    }
    return 0;
}
