// Fuzz target for load_pkcs12: any input loads or throws Error(invalid_input).
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The seed corpus's password, so mutations get past the MAC check now and then.
    static const amtcfg::Secret password("test-pfx-pw");
    try {
        amtcfg::crypto::load_pkcs12(amtcfg::ByteView(data, size), password, "fuzz.pfx");
    } catch (const amtcfg::Error& error) {
        if (error.category() != amtcfg::ErrorCategory::invalid_input) {
            std::abort(); // a bad file must always be exit code 3
        }
    }
    return 0;
}
