// An APF session over the LME client: handshake, one forwarded channel at a time, flow control.
#pragma once

#include "amtcfg/apf/messages.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace amtcfg::apf {

// What a command cost on the LME path; scripts/bench.sh prints these.
struct SessionStats {
    unsigned connects = 0;   // LME client connections opened
    unsigned handshakes = 0; // APF handshakes completed
    unsigned channels = 0;   // channels confirmed by AMT
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
};

struct SessionLimits {
    // The longest AMT may stay silent while amtcfg waits for one APF message (rpc-go added a
    // 20 s bound per handshake step after users waited minutes, apf-lme.md section 6).
    int message_timeout_ms = 20'000;
};

// The host side of APF. Firmware drops the whole LME session whenever a channel closes
// (apf-lme.md section 4.5), so the session is "live" only until the first close; the next
// open_channel() reconnects the LME client and handshakes again. Everything else reuses the
// live session, so a command pays one handshake per channel AMT closes, not one per request.
// Every wait is bounded by the command's deadline and by SessionLimits::message_timeout_ms.
class Session {
public:
    Session(mei::Device& device, Log& log, const Deadline& deadline, SessionLimits limits = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Opens a channel to AMT's `port` (16992 or 16993), closing any previous one, and waits for
    // AMT's confirmation. Throws Error(wsman_unreachable) naming what failed.
    void open_channel(std::uint16_t port);
    // True from the confirmation until either side closes the channel.
    bool channel_open() const;
    // True once AMT has closed the channel; received data may still be waiting.
    bool closed_by_amt() const;
    // Bytes that may be sent now without overrunning AMT's window or the MEI message size.
    std::size_t send_budget() const;
    // Sends at most send_budget() bytes as CHANNEL_DATA; returns how many were sent.
    std::size_t send(ByteView data);
    // Data AMT sent on the channel that has not been taken yet.
    Bytes take_received();
    // Tells AMT the host consumed `bytes`, re-opening that much of its window.
    void credit(std::size_t bytes);
    // Sends CHANNEL_CLOSE if the channel is still open; the session is then considered gone.
    void close_channel();

    // The MEI handle to poll for incoming messages, or -1 while there is no live session.
    int poll_handle() const;
    // Receives and handles one message, waiting at most the message limit (and the deadline).
    void receive_one(std::string_view waiting_for);
    // Handles every message that is already waiting, without blocking.
    void receive_ready();

    const SessionStats& stats() const { return m_stats; }
    // Ports AMT forwarded in the last handshake (16992 + 623, or 16993 + 664).
    const std::vector<std::uint32_t>& forwarded_ports() const { return m_forwarded; }
    // The same, after connecting and running the handshake when no session is live (the
    // session stays up for the next channel).
    const std::vector<std::uint32_t>& learn_forwarded_ports();

private:
    struct Channel {
        std::uint32_t id = 0;
        std::uint32_t amt_id = 0;
        std::uint32_t send_window = 0;
        Bytes received;
        enum class State { opening, open, refused, closed_by_amt, closed_by_host } state{};
        std::uint32_t refusal = 0;
    };

    void connect_and_handshake();
    void handshake();
    void wait_for_confirmation(std::uint16_t port);
    void send_message(const Bytes& message);
    void dispatch(const Message& message);
    void on_global_request(const GlobalRequest& request);
    void on_service_request(const ServiceRequest& request);
    void on_protocol_version(const ProtocolVersion& version);
    Channel* channel_for(std::uint32_t id);
    void drop_session();

    mei::Device& m_device;
    Log& m_log;
    const Deadline& m_deadline;
    SessionLimits m_limits;
    std::unique_ptr<mei::Transport> m_transport;
    bool m_live = false;
    bool m_version_seen = false;
    bool m_service_accepted = false;
    std::vector<std::uint32_t> m_forwarded;
    std::uint32_t m_last_channel_id = 0;
    std::optional<Channel> m_channel;
    SessionStats m_stats;
};

} // namespace amtcfg::apf
