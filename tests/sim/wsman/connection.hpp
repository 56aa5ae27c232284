// One connection to the simulated WS-Man service, as a byte stream: used by the LMS listener
// (TCP) and by each APF channel, plain (HttpConnection) or inside TLS (wsman/tls_server.hpp).
#pragma once

#include "wsman/http_message.hpp"
#include "wsman/service.hpp"

#include <string>
#include <string_view>

namespace amtcfg::sim {

// Bytes in from the client, bytes out to it: what an APF channel or a TCP socket carries.
class StreamConnection {
public:
    virtual ~StreamConnection() = default;
    // Bytes from the client; returns what the server sends back (possibly nothing yet).
    virtual std::string receive(std::string_view bytes) = 0;
    // The server has closed (Connection: close, a fault, a 401, a dropped response, TLS).
    virtual bool closed() const = 0;
    // HTTP responses sent so far.
    virtual std::size_t responses() const = 0;
};

class HttpConnection : public StreamConnection {
public:
    // `one_response`: the connection ends after its first response, as an APF channel does
    // (apf-lme.md section 4); every ending response says `Connection: close`.
    explicit HttpConnection(WsmanService& service, ConnectionInfo peer = {},
                            bool one_response = false)
        : m_service(service), m_peer(peer), m_one_response(one_response) {}

    std::string receive(std::string_view bytes) override;
    bool closed() const override { return m_closed; }
    std::size_t responses() const override { return m_responses; }
    // The server dropped the connection mid-response (tls-drop-after-commit): a TLS layer
    // around it must not end it cleanly either.
    bool aborted() const { return m_aborted; }
    // What the transport learnt about the client (TLS, its certificate), for authentication.
    void set_peer(ConnectionInfo peer) { m_peer = peer; }

private:
    WsmanService& m_service;
    ConnectionInfo m_peer;
    RequestParser m_parser;
    bool m_one_response = false;
    bool m_closed = false;
    bool m_aborted = false;
    std::size_t m_responses = 0;
};

} // namespace amtcfg::sim
