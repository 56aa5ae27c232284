// Turns the global transport options into flows::TransportOptions for AmtLink.
#include "session.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

http::LoopbackAddress lms_address(const GlobalOptions& options) {
    auto address = http::parse_loopback_address(options.lms_address);
    if (!address) {
        // LMS runs on this machine: anything else would send WS-Man logins off it.
        throw Error(ErrorCategory::usage,
                    fmt::format("--lms-address {} is not a loopback address: use 127.x.y.z, ::1 "
                                "or [::1] (LMS runs on this machine)",
                                options.lms_address));
    }
    return *address;
}

flows::TransportOptions transport_options(const GlobalOptions& options) {
    flows::TransportOptions out;
    out.mode = flows::parse_transport_mode(options.transport);
    out.lms_address = lms_address(options);
    if (options.lms_port < 0 || options.lms_port > 65535) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--lms-port {} is not a TCP port (1-65535)", options.lms_port));
    }
    out.lms_port = static_cast<std::uint16_t>(options.lms_port);
    return out;
}

} // namespace amtcfg::cli
