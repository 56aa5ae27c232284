// A scripted fake of AMT's LME client for tunnel tests: it answers the handshake like firmware,
// enforces windows, drops the session on CHANNEL_CLOSE, and records every message it got.
#pragma once

#include "amtcfg/apf/messages.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/error.hpp"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace amtcfg::apf::testing {

class FakeAmt {
public:
    // What AMT does with the request bytes of a channel so far; returns the response to send
    // (empty: wait for more). After sending it AMT closes the channel when close_after is set.
    std::function<std::string(const std::string& request)> respond;
    bool close_after_response = true;
    std::vector<std::uint32_t> ports{k_port_http, k_port_asf_rmcp};
    std::uint32_t amt_window = 4096; // AMT's receive window, advertised in the confirmation
    bool refuse_channels = false;
    bool silent = false; // never answers anything

    // Recorded by the fake.
    std::vector<Message> received; // every message the host sent, in order
    unsigned connects = 0;
    unsigned window_violations = 0; // host data beyond AMT's window
    std::string request;            // bytes on the current channel
    std::uint32_t host_window = 0;  // what the host allows AMT to send now
    Bytes pending_out;              // response bytes held back by the host's window

    template <typename T> std::vector<T> sent_by_host() const {
        std::vector<T> out;
        for (const auto& message : received) {
            if (std::holds_alternative<T>(message)) {
                out.push_back(std::get<T>(message));
            }
        }
        return out;
    }

    void on_message(const Message& message);
    void queue(const Bytes& message);
    bool session_dropped = false;
    std::deque<Bytes> outbox;
    int pipe_read = -1;
    int pipe_write = -1;

private:
    void on_data(const ChannelData& data);
    void flush_pending();
    std::uint32_t m_host_channel = 0;
    std::uint32_t m_amt_channel = 0x100;
    std::uint32_t m_window_left = 0;
    bool m_closing = false;
};

class FakeTransport : public mei::Transport {
public:
    FakeTransport(FakeAmt& amt, std::uint32_t mtu);
    ~FakeTransport() override;
    const mei::ClientProperties& properties() const override { return m_properties; }
    void send(ByteView message) override;
    Bytes receive(int timeout_ms) override;
    int poll_handle() const override { return m_read; }

private:
    FakeAmt& m_amt;
    mei::ClientProperties m_properties;
    int m_read = -1;
};

class FakeDevice : public mei::Device {
public:
    explicit FakeDevice(FakeAmt& amt, std::uint32_t mtu = 4096) : m_amt(amt), m_mtu(mtu) {}
    std::unique_ptr<mei::Transport> connect(const mei::ClientGuid& client) override;
    std::string_view path() const override { return "/dev/fake-mei"; }

private:
    FakeAmt& m_amt;
    std::uint32_t m_mtu;
};

inline void FakeAmt::queue(const Bytes& message) {
    outbox.push_back(message);
    char one = 1;
    (void)!::write(pipe_write, &one, 1);
}

inline void FakeAmt::on_message(const Message& message) {
    received.push_back(message);
    if (silent) {
        return;
    }
    if (std::holds_alternative<ProtocolVersion>(message)) {
        ProtocolVersion version{1, 0, 254, {}};
        version.uuid[0] = 0x8c;
        queue(encode(version));
        queue(encode(ServiceRequest{std::string(k_service_pfwd)}));
        for (std::uint32_t port : ports) {
            queue(encode(GlobalRequest{std::string(k_request_tcpip_forward), 1, "::1", port}));
        }
    } else if (const auto* open = std::get_if<ChannelOpen>(&message)) {
        if (refuse_channels) {
            queue(encode(ChannelOpenFailure{open->sender_channel, 2}));
            return;
        }
        m_host_channel = open->sender_channel;
        ++m_amt_channel;
        host_window = open->initial_window;
        m_window_left = amt_window;
        m_closing = false;
        request.clear();
        queue(
            encode(ChannelOpenConfirmation{m_host_channel, m_amt_channel, amt_window, k_reserved}));
    } else if (const auto* data = std::get_if<ChannelData>(&message)) {
        on_data(*data);
    } else if (const auto* adjust = std::get_if<ChannelWindowAdjust>(&message)) {
        host_window += adjust->bytes_to_add;
        flush_pending();
    } else if (std::holds_alternative<ChannelClose>(message)) {
        session_dropped = true; // firmware ends the LME session on every close
    }
}

inline void FakeAmt::on_data(const ChannelData& data) {
    if (data.recipient_channel != m_amt_channel || data.data.size() > m_window_left) {
        ++window_violations;
        return;
    }
    m_window_left -= static_cast<std::uint32_t>(data.data.size());
    request.append(data.data.begin(), data.data.end());
    // AMT consumes what it got at once and re-opens its window by as much.
    m_window_left += static_cast<std::uint32_t>(data.data.size());
    queue(
        encode(ChannelWindowAdjust{m_host_channel, static_cast<std::uint32_t>(data.data.size())}));
    std::string response = respond ? respond(request) : std::string();
    if (!response.empty()) {
        request.clear();
        pending_out.insert(pending_out.end(), response.begin(), response.end());
        m_closing = close_after_response;
        flush_pending();
    }
}

inline void FakeAmt::flush_pending() {
    constexpr std::size_t k_chunk = 1000;
    while (!pending_out.empty() && host_window > 0) {
        std::size_t size = std::min<std::size_t>({pending_out.size(), host_window, k_chunk});
        Bytes part(pending_out.begin(), pending_out.begin() + static_cast<std::ptrdiff_t>(size));
        pending_out.erase(pending_out.begin(),
                          pending_out.begin() + static_cast<std::ptrdiff_t>(size));
        host_window -= static_cast<std::uint32_t>(size);
        queue(encode(ChannelData{m_host_channel, part}));
    }
    if (pending_out.empty() && m_closing) {
        m_closing = false;
        queue(encode(ChannelClose{m_host_channel}));
    }
}

inline FakeTransport::FakeTransport(FakeAmt& amt, std::uint32_t mtu) : m_amt(amt) {
    m_properties.max_message_length = mtu;
    int fds[2];
    if (::pipe(fds) != 0) {
        throw Error(ErrorCategory::internal, "pipe failed");
    }
    m_read = fds[0];
    m_amt.pipe_read = fds[0];
    m_amt.pipe_write = fds[1];
    m_amt.outbox.clear();
    m_amt.session_dropped = false;
    ++m_amt.connects;
}

inline FakeTransport::~FakeTransport() {
    ::close(m_read);
    ::close(m_amt.pipe_write);
}

inline void FakeTransport::send(ByteView message) {
    if (m_amt.session_dropped) {
        throw Error(ErrorCategory::no_device, "fake LME: the session was dropped");
    }
    if (message.size() > m_properties.max_message_length) {
        throw Error(ErrorCategory::internal, "fake LME: message larger than the MTU");
    }
    m_amt.on_message(decode_message(message));
}

inline Bytes FakeTransport::receive(int) {
    if (m_amt.outbox.empty()) {
        if (m_amt.session_dropped) {
            throw Error(ErrorCategory::no_device, "fake LME: the session was dropped");
        }
        throw Error(ErrorCategory::timed_out, "fake LME: nothing to receive");
    }
    char one = 0;
    (void)!::read(m_read, &one, 1);
    Bytes message = m_amt.outbox.front();
    m_amt.outbox.pop_front();
    if (message[0] == static_cast<std::uint8_t>(MessageType::channel_close)) {
        m_amt.session_dropped = true;
    }
    return message;
}

inline std::unique_ptr<mei::Transport> FakeDevice::connect(const mei::ClientGuid& client) {
    if (client.name != mei::k_lme.name) {
        throw Error(ErrorCategory::amt_unavailable, "fake LME: wrong client");
    }
    return std::make_unique<FakeTransport>(m_amt, m_mtu);
}

} // namespace amtcfg::apf::testing
