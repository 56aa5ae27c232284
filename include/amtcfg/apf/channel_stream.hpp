// ChannelStream: an APF channel presented as a loopback TCP connection, for amtcfg::http.
#pragma once

#include "amtcfg/apf/session.hpp"
#include "amtcfg/util/stream.hpp"

namespace amtcfg::apf {

// Each connection the client makes to local_port() becomes one channel to AMT's port, opened
// when pump() accepts it; pump() then forwards bytes both ways. The stream never looks inside them:
// the HTTP client owns the framing (Content-Length, chunked, Connection: close) and so decides when
// a response is complete, and the channel lives exactly as long as the client keeps its connection:
// AMT's CHANNEL_CLOSE becomes end-of-file on the socket once every byte before it was delivered,
// and the client closing its socket becomes CHANNEL_CLOSE. No idle timer is involved anywhere. Flow
// control: bytes from the socket go out only within AMT's window, and AMT's data is credited with
// WINDOW_ADJUST as soon as it has been written into the socket.
class ChannelStream : public PumpedStream {
public:
    ChannelStream(Session& session, std::uint16_t port, Log& log);
    ~ChannelStream() override;
    ChannelStream(const ChannelStream&) = delete;
    ChannelStream& operator=(const ChannelStream&) = delete;

    std::uint16_t local_port() override;
    void expect_client(int socket) override;
    void add_wait_descriptors(std::vector<pollfd>& out) const override;
    void pump() override;
    std::string describe() const override;
    std::uint16_t port() const { return m_port; } // AMT's port the channels go to

private:
    void accept_client();
    void deliver_to_client();
    void forward_from_client();
    void end_link();

    Session& m_session;
    std::uint16_t m_port;
    Log& m_log;
    std::uint16_t m_local_port = 0;
    int m_listen = -1;
    int m_expected = -1; // the client's socket, not owned
    int m_link = -1;     // the accepted connection of the client
    Bytes m_to_client;
    bool m_eof_sent = false;
};

} // namespace amtcfg::apf
