// Fuzz target: what the RPS client reads from outside — the server's envelope, and the raw HTTP
// it relays (the request's target check, the response's end) — over any bytes.
#include "amtcfg/rps/message.hpp"
#include "amtcfg/rps/relay.hpp"
#include "amtcfg/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// Only the categories the headers promise may come out; anything else is a bug.
template <typename Call> void expect_only(amtcfg::ErrorCategory allowed, Call call) {
    try {
        call();
    } catch (const amtcfg::Error& error) {
        if (error.category() != allowed) {
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    expect_only(amtcfg::ErrorCategory::server_unreachable, [&] {
        auto message = amtcfg::rps::decode(bytes);
        if (message.method.empty()) {
            __builtin_trap(); // decode promises a method
        }
    });
    expect_only(amtcfg::ErrorCategory::server_unreachable,
                [&] { amtcfg::rps::check_relayed_request(bytes); });
    // A response that is complete stays complete as more bytes follow it.
    expect_only(amtcfg::ErrorCategory::wsman_unreachable, [&] {
        bool was_complete = false;
        for (std::size_t cut = 0; cut <= bytes.size(); cut += 1 + cut / 8) {
            bool complete = amtcfg::rps::response_complete(bytes.substr(0, cut));
            if (was_complete && !complete) {
                __builtin_trap();
            }
            was_complete = complete;
        }
    });
    return 0;
}
