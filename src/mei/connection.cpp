// Connection: lazy connect, one message out and one in, and the single reconnect after a reset.
#include "amtcfg/mei/connection.hpp"

#include "amtcfg/mei/errors.hpp"

#include <fmt/format.h>

namespace amtcfg::mei {

Connection::Connection(Device& device, const ClientGuid& client, const Deadline& deadline)
    : m_device(device), m_client(client), m_deadline(deadline) {}

const ClientProperties& Connection::connect() {
    if (!m_transport) {
        m_transport = m_device.connect(m_client);
    }
    return m_transport->properties();
}

Bytes Connection::exchange(ByteView request, int timeout_ms) {
    connect();
    m_deadline.check(fmt::format("waiting for the {} client", m_client.name));
    m_transport->send(request);
    return m_transport->receive(m_deadline.remaining_ms(timeout_ms));
}

Bytes Connection::transact(ByteView request, int timeout_ms, Retry retry) {
    try {
        return exchange(request, timeout_ms);
    } catch (const Disconnected&) {
        m_transport.reset();
        if (retry != Retry::after_reset || m_reconnected) {
            throw;
        }
    }
    // The ME firmware reset: the old handle is dead; close it, connect again, resend once.
    m_reconnected = true;
    return exchange(request, timeout_ms);
}

} // namespace amtcfg::mei
