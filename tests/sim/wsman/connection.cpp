// A byte-stream HTTP connection to the simulated WS-Man service (keep-alive, pipelining).
#include "wsman/connection.hpp"

namespace amtcfg::sim {

std::string HttpConnection::receive(std::string_view bytes) {
    std::string out;
    if (m_closed) {
        return out;
    }
    m_parser.feed(bytes);
    try {
        while (auto request = m_parser.next()) {
            auto reply = m_service.handle(*request, m_peer);
            bool closing = reply.close || request->wants_close() || m_one_response;
            // RFC 7230 section 6.6: a server that closes after a response says so in it.
            out += closing ? announce_close(std::move(reply.bytes)) : reply.bytes;
            ++m_responses;
            if (closing) {
                m_closed = true;
                m_aborted = reply.abort;
                break;
            }
        }
    } catch (const HttpParseError&) {
        HttpResponse response;
        response.status = 400;
        response.framing = BodyFraming::content_length;
        response.close = true;
        out += serialize_response(response);
        m_closed = true;
    }
    return out;
}

} // namespace amtcfg::sim
