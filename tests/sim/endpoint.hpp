// The seam between the fake /dev/mei0 and the simulated ME clients: one Endpoint per connection.
#pragma once

#include "amtcfg/util/bytes.hpp"

namespace amtcfg::sim {

// The host side of one connection: what the host will read(). Thread-safe and usable at any
// time while the connection lives (the LME endpoint queues APF messages from other threads);
// messages sent after the connection closed or the firmware reset are dropped. Each message
// becomes readable --latency-mei milliseconds after it is sent.
class HostLink {
public:
    virtual ~HostLink() = default;
    virtual void send(Bytes message) = 0;
};

// The ME side of one connection to one ME client. receive() gets every message the host
// writes (one write() = one message) and answers through the HostLink it was created with.
class Endpoint {
public:
    virtual ~Endpoint() = default;
    virtual void receive(ByteView message) = 0;
    // The host closed the connection (or the firmware reset); the HostLink is dead already.
    virtual void closed() {}
};

} // namespace amtcfg::sim
