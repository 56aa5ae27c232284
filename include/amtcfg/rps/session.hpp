// One RPS session (reference/rps-protocol.md sections 2, 4 and 5): the client's first message,
// then the server's requests relayed to local AMT until it says success or error.
#pragma once

#include "amtcfg/rps/message.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/util/stream.hpp"
#include "amtcfg/ws/connection.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace amtcfg::rps {

// Local AMT, the only place relayed bytes go: a new raw connection to AMT's port 16992 or 16993
// (over LMS or an APF channel). The session asks only for those two ports.
using AmtOpener = std::function<std::unique_ptr<ByteChannel>(std::uint16_t port)>;

struct SessionOptions {
    std::string app_version;
    std::string tenant_id;
    std::string fqdn;
    // Progress lines from the server (`progress` messages), for a person; may be empty.
    std::function<void(std::string_view)> progress;
    // AMT takes only TLS on its local ports (AMT 19+ with TLS enforced): its port 16992 is
    // closed, so the server must use its TLS tunnel; a plain `wsman` request is refused.
    bool amt_tls_only = false;
};

struct Outcome {
    bool success = false;
    std::string message; // what the server said with success or error (RPS: often JSON text)
    int relayed_requests = 0;
    bool tls_tunnel = false; // the server switched to its TLS tunnel (port_switch)
    std::uint64_t tunnel_bytes = 0;
    // Where the relayed requests' time went: waiting for AMT (connecting, sending, its
    // answer), and the relay's own work around it (decoding, checks, encoding, sending the
    // response to the server). DESIGN.md section 7 budgets the second.
    double amt_ms = 0;
    double relay_ms = 0;
};

// Sends `command_line` (activate/deactivate/maintenance...) with the base64 `payload` as the
// first message, then serves the server until it sends success or error and returns what it
// said. The server closing before that, or breaking the protocol, is Error(server_unreachable);
// failures reaching AMT are the transport's errors (wsman_unreachable, timed_out).
Outcome run_session(ws::Connection& server, const Secret& command_line, const Secret& payload,
                    const AmtOpener& amt, const SessionOptions& options, const Deadline& deadline,
                    Log& log);

} // namespace amtcfg::rps
