// Whether something accepts TCP connections on a loopback port (is LMS running?).
#pragma once

#include <cstdint>
#include <string>

namespace amtcfg::http {

enum class ProbeResult { accepted, refused, no_answer, failed };

struct Probe {
    ProbeResult result = ProbeResult::failed;
    std::string detail; // "connection refused", for messages
};

// Connects to address:port and closes at once. `address` must be a numeric IPv4 or IPv6
// address. Waits at most timeout_ms for an answer.
Probe probe_tcp(const std::string& address, std::uint16_t port, int timeout_ms);

} // namespace amtcfg::http
