// PumpedStream: a byte stream that a client reaches through a local socket its owner serves.
#pragma once

#include <poll.h>

#include <cstdint>
#include <string>
#include <vector>

namespace amtcfg {

// A connection that a client (libcurl in amtcfg::http) cannot dial itself. The stream listens
// on a loopback TCP port; the client connects there from a socket it announced with
// expect_client() (connections from any other socket are refused), and the stream moves the
// bytes between that connection and the real carrier (an APF channel over the LME client). The
// client's event loop also waits on add_wait_descriptors() and calls pump(), so one thread
// drives both sides without idle timers.
//
// Because the client sees a plain stream socket, anything layered on a socket works unchanged:
// TLS to AMT's port 16993 inside an APF channel is libcurl's TLS over this socket (the seam for
// AMT 19+ with TLS enforced on local ports), with no TLS code in the carrier.
class PumpedStream {
public:
    virtual ~PumpedStream() = default;
    // The loopback port (on 127.0.0.1) to connect to; the stream starts listening on the first
    // call. Throws amtcfg::Error when it cannot.
    virtual std::uint16_t local_port() = 0;
    // The client created `socket` to connect with; only a connection from it is accepted.
    virtual void expect_client(int socket) = 0;
    // Appends the descriptors the caller's event loop must wait on besides its own.
    virtual void add_wait_descriptors(std::vector<pollfd>& out) const = 0;
    // Accepts the client's connection and moves whatever is ready in either direction; never
    // waits for the client. Throws amtcfg::Error when the carrier fails.
    virtual void pump() = 0;
    // What the stream is, for messages: "LME (APF channel to port 16992)".
    virtual std::string describe() const = 0;
};

} // namespace amtcfg
