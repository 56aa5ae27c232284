// Fuzz target for parse_certificate: any input parses or throws Error(invalid_input).
#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        amtcfg::crypto::parse_certificate(amtcfg::ByteView(data, size), "fuzz.der");
    } catch (const amtcfg::Error& error) {
        if (error.category() != amtcfg::ErrorCategory::invalid_input) {
            std::abort();
        }
    }
    return 0;
}
