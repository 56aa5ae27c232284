// What the relay looks at in the raw HTTP it carries between RPS and local AMT: just enough to
// refuse a request aimed elsewhere and to know when AMT's response is complete. Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace amtcfg::rps {

// AMT's WS-Man ports, the only places relayed bytes go.
inline constexpr std::uint16_t k_amt_http_port = 16992;
inline constexpr std::uint16_t k_amt_https_port = 16993;

// Refuses a relayed request that is not an origin-form
// HTTP/1.1 request ("POST /wsman HTTP/1.1") or whose Host header names a port other than AMT's
// 16992/16993. Nothing decides where the bytes go but the relay itself; this check makes a
// server that tries visible instead of silently "fixed". Throws Error(server_unreachable)
// naming what was wrong: the server broke the protocol.
void check_relayed_request(std::string_view raw);

// Whether `raw` holds a whole HTTP/1.1 response: the header ended and the body that
// Content-Length or chunked transfer coding announces arrived. A response with neither ends
// when AMT closes the connection (false until then). Throws Error(wsman_unreachable) on a
// header or chunk framing it cannot read.
bool response_complete(std::string_view raw);

} // namespace amtcfg::rps
