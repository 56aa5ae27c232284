// tcp_accepts: whether something accepts a TCP connection (the LMS probe of `info`).
#pragma once

#include <string>

namespace amtcfg {

// Connects to address:port (numeric IPv4 or IPv6) and closes again at once; true when the
// connection was accepted within timeout_ms. Never throws for network failures: a refused,
// unreachable or unparsable address is simply "no".
bool tcp_accepts(const std::string& address, int port, int timeout_ms);

} // namespace amtcfg
