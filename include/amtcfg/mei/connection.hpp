// Connection: one lazily made connection to one ME client that survives one firmware reset.
#pragma once

#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/deadline.hpp"

#include <memory>

namespace amtcfg::mei {

// Whether a request may be sent again after the ME reset mid-request: reads may; a command
// that changes state (Unprovision) may not, because it may already have taken effect.
enum class Retry { after_reset, never };

// Connects on first use and keeps the connection for the whole command run (one connect per
// ME client). When the client disconnects mid-request (mei::Disconnected), it reconnects once
// and resends an idempotent request; a second reset, or a non-idempotent request, fails.
class Connection {
public:
    Connection(Device& device, const ClientGuid& client, const Deadline& deadline);

    // Sends one message and returns the one reply, waiting at most `timeout_ms` (capped by the
    // deadline). Throws Error; the message names the client.
    Bytes transact(ByteView request, int timeout_ms, Retry retry);
    // Connects now if not yet connected; returns the client's properties.
    const ClientProperties& connect();

    const ClientGuid& client() const { return m_client; }
    Device& device() { return m_device; }

private:
    Bytes exchange(ByteView request, int timeout_ms);

    Device& m_device;
    const ClientGuid& m_client;
    const Deadline& m_deadline;
    std::unique_ptr<Transport> m_transport;
    bool m_reconnected = false;
};

} // namespace amtcfg::mei
