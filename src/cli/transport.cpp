// Turns the global transport options into flows::TransportOptions for AmtLink.
#include "session.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

flows::TransportOptions transport_options(const GlobalOptions& options) {
    flows::TransportOptions out;
    out.mode = flows::parse_transport_mode(options.transport);
    out.lms_address = options.lms_address;
    if (options.lms_port < 0 || options.lms_port > 65535) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--lms-port {} is not a TCP port (1-65535)", options.lms_port));
    }
    out.lms_port = static_cast<std::uint16_t>(options.lms_port);
    return out;
}

} // namespace amtcfg::cli
