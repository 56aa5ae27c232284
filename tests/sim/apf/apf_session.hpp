// The firmware side of an APF session over the LME client (apf-lme.md sections 3-5 and 7):
// handshake, tcpip-forward, channels carrying HTTP to the WS-Man service, flow-control windows
// enforced both ways, channel close after each response and the session drop on every
// CHANNEL_CLOSE, its own or the host's.
#pragma once

#include "apf/apf_wire.hpp"
#include "wsman/connection.hpp"
#include "wsman/service.hpp"
#include "wsman/tls_server.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace amtcfg::sim::apf {

struct SessionOptions {
    std::array<std::uint8_t, 16> uuid{}; // as GetUUID sends it
    bool tls_enforced = false;           // advertise 16993 + 664 instead of 16992 + 623
    bool tls_port = false; // also advertise and serve 16993 + 664 (TLS configured in AMT)
    std::uint32_t max_message = 5120;    // the LME client's max_msg_length
    std::uint32_t receive_window = 4096; // what the firmware grants per channel
};

// Firmware channel numbers start here, far from the host's 1..31, so a host that addresses
// AMT's channel by its own number is caught.
inline constexpr std::uint32_t k_first_firmware_channel = 0x100;

// The options for the device as it is now (UUID, TLS enforcement, LME message size).
SessionOptions session_options(const DeviceState& device);

enum class Phase { idle, service_requested, forwarding, ready };

class Session {
public:
    using Sender = std::function<void(Bytes)>;
    // `options` is re-read with `refresh` at every handshake (the device may change meanwhile).
    Session(WsmanService& service, std::function<SessionOptions()> refresh, Sender send);

    // One message the host wrote to the LME client.
    void receive(ByteView message);
    Phase phase() const { return m_phase; }
    // apf-stall fired: the firmware answers nothing more on this LME connection.
    bool stalled() const { return m_stalled; }
    std::size_t open_channels() const { return m_channels.size(); }

private:
    struct Channel {
        std::uint32_t host_id = 0;
        std::uint64_t host_window = 0;          // how much the host still lets us send
        std::uint64_t our_window = 0;           // how much the host may still send us
        std::uint64_t uncredited = 0;           // consumed, not yet granted again by WINDOW_ADJUST
        std::unique_ptr<StreamConnection> http; // plain, or TLS on 16993

        std::string pending; // response bytes waiting for window
        bool closing = false;
        bool close_sent = false;
    };

    void dispatch(ByteReader& reader, Message type);
    void on_protocol_version(ByteReader& reader);
    void on_service_accept(ByteReader& reader);
    void on_forward_reply(Message type, ByteReader& reader);
    void on_channel_open(ByteReader& reader);
    void on_channel_data(ByteReader& reader);
    void on_window_adjust(ByteReader& reader);
    void on_channel_close(ByteReader& reader);
    void open_channel(std::uint32_t host_id, std::uint32_t window,
                      std::unique_ptr<StreamConnection> connection);
    // Sends what the host's window allows; true once the firmware closed the channel.
    bool flush(Channel& channel);
    void on_closed(); // the firmware's CHANNEL_CLOSE went out: the session is gone
    void drop();

    WsmanService& m_service;
    std::function<SessionOptions()> m_refresh;
    Sender m_send;
    SessionOptions m_options;
    Phase m_phase = Phase::idle;
    std::vector<std::uint32_t> m_ports; // advertised, in order
    std::vector<std::uint32_t> m_accepted;
    std::size_t m_next_port = 0;
    std::map<std::uint32_t, Channel> m_channels; // by the firmware's channel number
    std::uint32_t m_next_channel = k_first_firmware_channel - 1;
    bool m_stalled = false;
};

} // namespace amtcfg::sim::apf
