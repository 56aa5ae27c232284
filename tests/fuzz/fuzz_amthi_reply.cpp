// Fuzz target: every AMTHI reply decoder on the same bytes (framing checks come first in each).
#include "amtcfg/amthi/codec.hpp"

#include <cstddef>
#include <cstdint>

namespace {

template <typename Decode> void attempt(Decode decode, amtcfg::ByteView input) {
    try {
        decode(input);
    } catch (const amtcfg::DecodeError&) {
    } catch (const amtcfg::Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace amtcfg::amthi;
    amtcfg::ByteView input(data, size);
    attempt(decode_uuid, input);
    attempt(decode_provisioning_state, input);
    attempt(decode_control_mode, input);
    attempt(decode_dns_suffix, input);
    attempt(decode_hash_handles, input);
    attempt(decode_lan_interface_settings, input);
    attempt(decode_local_system_account, input);
    attempt(decode_unprovision, input);
    return 0;
}
