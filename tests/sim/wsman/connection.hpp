// One HTTP connection to the simulated WS-Man service, as a byte stream: used by the LMS
// listener (TCP) and by each APF channel.
#pragma once

#include "wsman/http_message.hpp"
#include "wsman/service.hpp"

#include <string>
#include <string_view>

namespace amtcfg::sim {

class HttpConnection {
public:
    explicit HttpConnection(WsmanService& service) : m_service(service) {}

    // Bytes from the client; returns what the server sends back (possibly nothing yet).
    std::string receive(std::string_view bytes);
    // The server has closed (Connection: close, a fault, a 401, a dropped response).
    bool closed() const { return m_closed; }
    std::size_t responses() const { return m_responses; }

private:
    WsmanService& m_service;
    RequestParser m_parser;
    bool m_closed = false;
    std::size_t m_responses = 0;
};

} // namespace amtcfg::sim
