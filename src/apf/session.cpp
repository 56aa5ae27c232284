// The host side of an APF session: handshake, channel lifecycle and window accounting.
#include "amtcfg/apf/session.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>

namespace amtcfg::apf {
namespace {

// Channel numbers rotate (n + 1) mod 32 and are never 0, as rpc-go does (apf-lme.md 4.1).
constexpr std::uint32_t k_channel_id_modulus = 32;
// Used when the MEI client reports no MTU; the smallest MTU seen in practice is larger.
constexpr std::size_t k_fallback_message_size = 4096;

bool is_management_port(std::uint32_t port) {
    return port == k_port_http || port == k_port_https;
}

bool is_redirection_port(std::uint32_t port) {
    return port == k_port_asf_rmcp || port == k_port_asf_rmcp_secure;
}

std::string_view refusal_name(std::uint32_t reason) {
    switch (static_cast<OpenFailureReason>(reason)) {
    case OpenFailureReason::administratively_prohibited:
        return "administratively prohibited";
    case OpenFailureReason::connect_failed:
        return "connect failed";
    case OpenFailureReason::unknown_channel_type:
        return "unknown channel type";
    case OpenFailureReason::resource_shortage:
        return "resource shortage";
    }
    return "unknown reason";
}

// An LME client that vanishes under an open session is the ME firmware resetting: the request in
// flight is lost and may not be resent, so it is AMT's WS-Man service that failed (exit 20),
// not a missing MEI device.
Error lost_session(const Error& error, std::string_view context) {
    if (error.category() != ErrorCategory::no_device) {
        return error.with_context(context);
    }
    return Error(ErrorCategory::wsman_unreachable,
                 fmt::format("the LME session to AMT's WS-Man service was lost ({}: {}); the "
                             "last request may or may not have been applied: run the command "
                             "again once the ME is back",
                             context, error.what()));
}

} // namespace

Session::Session(mei::Device& device, Log& log, const Deadline& deadline, SessionLimits limits)
    : m_device(device), m_log(log), m_deadline(deadline), m_limits(limits) {}

Session::~Session() {
    try {
        close_channel();
    } catch (const std::exception& error) {
        m_log.debug("apf: closing the channel failed: {}", error.what());
    }
}

const std::vector<std::uint32_t>& Session::learn_forwarded_ports() {
    if (!m_live) {
        connect_and_handshake();
    }
    return m_forwarded;
}

void Session::open_channel(std::uint16_t port) {
    close_channel();
    if (!m_live) {
        connect_and_handshake();
    }
    if (std::find(m_forwarded.begin(), m_forwarded.end(), port) == m_forwarded.end()) {
        bool tls_only =
            std::find(m_forwarded.begin(), m_forwarded.end(), k_port_https) != m_forwarded.end();
        throw Error(ErrorCategory::wsman_unreachable,
                    tls_only ? fmt::format("AMT forwards only port {} over LME: its local ports "
                                           "take only TLS",
                                           k_port_https)
                             : fmt::format("AMT did not forward port {} over LME", port));
    }
    m_last_channel_id = m_last_channel_id % (k_channel_id_modulus - 1) + 1;
    m_channel = Channel{};
    m_channel->id = m_last_channel_id;
    ChannelOpen open;
    open.sender_channel = m_channel->id;
    open.connected_port = port;
    send_message(encode(open));
    wait_for_confirmation(port);
}

void Session::wait_for_confirmation(std::uint16_t port) {
    while (m_channel && m_channel->state == Channel::State::opening) {
        receive_one("AMT's answer to CHANNEL_OPEN");
    }
    if (!m_channel || m_channel->state == Channel::State::refused) {
        std::uint32_t reason = m_channel ? m_channel->refusal : 0;
        m_channel.reset();
        throw Error(ErrorCategory::wsman_unreachable,
                    fmt::format("AMT refused a channel to port {}: {} (reason {})", port,
                                refusal_name(reason), reason));
    }
    ++m_stats.channels;
    m_log.trace("apf: channel {} open to port {} (AMT channel {}, window {})", m_channel->id, port,
                m_channel->amt_id, m_channel->send_window);
}

void Session::connect_and_handshake() {
    m_transport.reset(); // frees the LME client before asking for it again
    try {
        m_transport = m_device.connect(mei::k_lme);
    } catch (const Error& error) {
        throw error.with_context("cannot connect to the LME client");
    }
    ++m_stats.connects;
    handshake();
    m_live = true;
    ++m_stats.handshakes;
}

void Session::handshake() {
    m_version_seen = false;
    m_service_accepted = false;
    m_forwarded.clear();
    send_message(encode(ProtocolVersion{}));
    // AMT answers with its version, asks for pfwd, then forwards its ports one by one: 16992
    // and 623, or 16993 and 664 when its local ports take only TLS (apf-lme.md 4). The handshake
    // is done with a complete pair, as rpc-go v3 waits for, so the forwarded management ports
    // are known before a channel is asked for.
    auto forwarded = [this](auto predicate) {
        return std::any_of(m_forwarded.begin(), m_forwarded.end(), predicate);
    };
    while (!(m_version_seen && m_service_accepted && forwarded(is_management_port) &&
             forwarded(is_redirection_port))) {
        receive_one("the APF handshake");
    }
    m_log.debug("apf: handshake done, AMT forwards ports {}", fmt::join(m_forwarded, ", "));
}

bool Session::channel_open() const {
    return m_channel && m_channel->state == Channel::State::open;
}

bool Session::closed_by_amt() const {
    return m_channel && m_channel->state == Channel::State::closed_by_amt;
}

std::size_t Session::send_budget() const {
    if (!channel_open()) {
        return 0;
    }
    std::size_t mtu = m_transport->properties().max_message_length;
    std::size_t largest = (mtu > k_channel_data_header_size ? mtu : k_fallback_message_size) -
                          k_channel_data_header_size;
    return std::min<std::size_t>(largest, m_channel->send_window);
}

std::size_t Session::send(ByteView data) {
    std::size_t count = std::min(data.size(), send_budget());
    if (count == 0) {
        return 0;
    }
    ByteView part = data.first(count);
    // Requests carry password digests and the MEBx password: both copies are wiped once sent.
    ChannelData message{m_channel->amt_id, Bytes(part.begin(), part.end())};
    Bytes encoded = encode(message);
    wipe_bytes(message.data);
    try {
        send_message(encoded);
    } catch (...) {
        wipe_bytes(encoded);
        throw;
    }
    wipe_bytes(encoded);
    m_channel->send_window -= static_cast<std::uint32_t>(count);
    m_stats.bytes_sent += count;
    return count;
}

Bytes Session::take_received() {
    Bytes out;
    if (m_channel) {
        out.swap(m_channel->received);
    }
    return out;
}

void Session::credit(std::size_t bytes) {
    if (bytes > 0 && channel_open()) {
        send_message(
            encode(ChannelWindowAdjust{m_channel->amt_id, static_cast<std::uint32_t>(bytes)}));
    }
}

void Session::close_channel() {
    if (!m_channel) {
        return;
    }
    if (m_channel->state == Channel::State::open) {
        send_message(encode(ChannelClose{m_channel->amt_id}));
        m_channel->state = Channel::State::closed_by_host;
        drop_session();
    }
    m_channel.reset();
}

void Session::drop_session() {
    if (m_live) {
        m_log.trace("apf: channel closed; firmware ends the LME session with it");
    }
    m_live = false;
}

int Session::poll_handle() const {
    return m_transport ? m_transport->poll_handle() : -1;
}

void Session::send_message(const Bytes& message) {
    m_log.trace("apf: send {} ({} bytes)", message_name(message[0]), message.size());
    try {
        m_transport->send(message);
    } catch (const Error& error) {
        m_live = false;
        throw lost_session(error, "cannot send to the LME client");
    }
}

void Session::receive_one(std::string_view waiting_for) {
    m_deadline.check(fmt::format("waiting for {}", waiting_for));
    int timeout = m_deadline.remaining_ms(m_limits.message_timeout_ms);
    Bytes message;
    try {
        message = m_transport->receive(timeout);
    } catch (const Error& error) {
        m_live = false;
        if (error.category() != ErrorCategory::timed_out) {
            throw lost_session(error, "cannot read from the LME client");
        }
        m_deadline.check(fmt::format("waiting for {}", waiting_for));
        throw Error(ErrorCategory::wsman_unreachable,
                    fmt::format("AMT sent nothing on the LME client for {} ms while amtcfg "
                                "waited for {}",
                                timeout, waiting_for));
    }
    try {
        dispatch(decode_message(message));
    } catch (const DecodeError& error) {
        wipe_bytes(message);
        m_live = false;
        throw Error(ErrorCategory::amt_unavailable,
                    fmt::format("AMT sent a malformed APF message: {}", error.what()));
    }
    wipe_bytes(message); // channel data is a reply; the channel's buffer keeps what it needs
}

void Session::receive_ready() {
    for (int handle = poll_handle(); handle >= 0 && m_live; handle = poll_handle()) {
        pollfd entry{handle, POLLIN, 0};
        if (::poll(&entry, 1, 0) <= 0 || entry.revents == 0) {
            return;
        }
        // POLLERR or POLLHUP: the read below reports why the LME client went away.
        receive_one("a waiting APF message");
    }
}

} // namespace amtcfg::apf
