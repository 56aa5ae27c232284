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
            out += reply.bytes;
            ++m_responses;
            if (reply.close || request->wants_close()) {
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
