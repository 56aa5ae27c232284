// Raw byte connections to local AMT for the RPS relay: a loopback TCP connection to LMS, or a
// connection through a PumpedStream (an APF channel over LME). Each call makes one connection;
// over LME that is one APF channel, closed when the channel object goes.
#pragma once

#include "amtcfg/http/lms_trust.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/stream.hpp"

#include <cstdint>
#include <memory>

namespace amtcfg::http {

// Failures are Error(wsman_unreachable) naming the path, or Error(timed_out).
std::unique_ptr<ByteChannel> connect_loopback(const LoopbackAddress& address, std::uint16_t port,
                                              const Deadline& deadline);
// `stream` must outlive the channel; the channel pumps it whenever it waits.
std::unique_ptr<ByteChannel> connect_pumped(PumpedStream& stream, const Deadline& deadline);

} // namespace amtcfg::http
