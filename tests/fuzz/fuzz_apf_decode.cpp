// Fuzz target: the APF decoder must reject or accept any bytes without reading out of bounds,
// and what it accepts must encode back to a message that decodes to the same value.
#include "amtcfg/apf/messages.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace amtcfg;
    try {
        apf::Message message = apf::decode_message(ByteView(data, size));
        apf::Message again = apf::decode_message(apf::encode_message(message));
        if (!(again == message)) {
            std::abort();
        }
    } catch (const DecodeError&) {
    }
    return 0;
}
