// PumpedStream: a byte stream that a client reaches through a local socket its owner serves.
#pragma once

#include <poll.h>

#include <cstdint>
#include <string>
#include <string_view>
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

// A two-way byte connection that its owner reaches directly: the connection to a provisioning
// server (libcurl CONNECT_ONLY, through a proxy and TLS as configured), and the relay's raw
// connections to local AMT. Blocking calls are bounded by the deadline their maker was given.
class ByteChannel {
public:
    virtual ~ByteChannel() = default;
    // Writes all of `bytes`. Throws amtcfg::Error when the peer is gone, or timed_out.
    virtual void send(std::string_view bytes) = 0;
    // Appends what has arrived to `out`, waiting at most `timeout_ms` for the first byte (0: do
    // not wait; -1: until the deadline). Returns false once the peer has closed and everything
    // was read; true otherwise, also when nothing came in time. Throws amtcfg::Error on failure.
    virtual bool receive(std::string& out, int timeout_ms) = 0;
    // The descriptors a caller's poll() must wait on to learn that receive() has something
    // (a channel that buffers, as TLS does, returns from receive(out, 0) first).
    virtual void add_wait_descriptors(std::vector<pollfd>& out) const = 0;
    // What the channel is, for messages: "wss://rps.example/activate through proxy ...".
    virtual std::string describe() const = 0;
};

} // namespace amtcfg
