// The firmware side of an APF session (apf-lme.md sections 3-5, 7).
#include "apf/apf_session.hpp"

#include <algorithm>

namespace amtcfg::sim::apf {

SessionOptions session_options(const DeviceState& device) {
    SessionOptions options;
    options.uuid = uuid_wire_bytes(device.uuid);
    auto ports = management_ports(device);
    options.tls_enforced = !ports.plain; // TLS-enforced, or the LMS TLS setting committed
    options.tls_port = ports.plain && ports.tls;
    options.max_message = device.clients.lme.max_msg_length;
    return options;
}

Session::Session(WsmanService& service, std::function<SessionOptions()> refresh, Sender send)
    : m_service(service), m_refresh(std::move(refresh)), m_send(std::move(send)) {}

void Session::receive(ByteView message) {
    if (m_stalled) {
        return; // apf-stall: the firmware stopped answering on this connection
    }
    try {
        ByteReader reader(message);
        dispatch(reader, static_cast<Message>(reader.u8("message type")));
    } catch (const DecodeError&) {
        drop(); // a malformed message ends the session, as a firmware reset would
    }
}

void Session::dispatch(ByteReader& reader, Message type) {
    switch (type) {
    case Message::protocol_version:
        on_protocol_version(reader);
        break;
    case Message::service_accept:
        on_service_accept(reader);
        break;
    case Message::request_success:
    case Message::request_failure:
        on_forward_reply(type, reader);
        break;
    case Message::channel_open:
        on_channel_open(reader);
        break;
    case Message::channel_data:
        on_channel_data(reader);
        break;
    case Message::channel_window_adjust:
        on_window_adjust(reader);
        break;
    case Message::channel_close:
        on_channel_close(reader);
        break;
    case Message::disconnect:
        drop();
        break;
    default:
        break; // keep-alives and anything else: no answer
    }
}

// The host's version opens a session; the firmware answers once (the host may echo it) and
// asks for the port-forwarding service straight away.
// Only APF 1.0 is spoken: another version is refused with DISCONNECT reason 8, as LMS does
// towards the firmware. The trigger is not checked: peers send 9, which is not a listed reason.
void Session::on_protocol_version(ByteReader& reader) {
    auto major = reader.u32be("major");
    auto minor = reader.u32be("minor");
    reader.u32be("trigger");
    reader.skip(16 + 64, "uuid and reserved");
    expect_end(reader, "PROTOCOL_VERSION");
    if (major != 1 || minor != 0) {
        m_send(disconnect(k_disconnect_version_not_supported));
        drop();
        return;
    }
    if (m_phase != Phase::idle) {
        return;
    }
    m_service.count_apf_handshake();
    m_options = m_refresh();
    m_ports = m_options.tls_enforced
                  ? std::vector<std::uint32_t>{k_port_https, k_port_redirection_tls}
                  : std::vector<std::uint32_t>{k_port_http, k_port_redirection};
    if (!m_options.tls_enforced && m_options.tls_port) {
        m_ports.push_back(k_port_https);
        m_ports.push_back(k_port_redirection_tls);
    }
    m_accepted.clear();
    m_next_port = 0;
    m_send(protocol_version(1, 0, k_trigger_lme, m_options.uuid));
    m_send(service_request(k_pfwd_service));
    m_phase = Phase::service_requested;
}

void Session::on_service_accept(ByteReader& reader) {
    auto name = read_string(reader, "service name");
    expect_end(reader, "SERVICE_ACCEPT");
    if (m_phase != Phase::service_requested || name != k_pfwd_service) {
        return;
    }
    m_phase = Phase::forwarding;
    m_send(tcpip_forward_request("", m_ports[m_next_port]));
}

void Session::on_forward_reply(Message type, ByteReader& reader) {
    if (m_phase != Phase::forwarding) {
        return;
    }
    if (type == Message::request_success) {
        auto port = reader.remaining() >= 4 ? reader.u32be("port") : m_ports[m_next_port];
        expect_end(reader, "REQUEST_SUCCESS");
        m_accepted.push_back(port);
    } else {
        expect_end(reader, "REQUEST_FAILURE");
    }
    if (++m_next_port < m_ports.size()) {
        m_send(tcpip_forward_request("", m_ports[m_next_port]));
    } else {
        m_phase = Phase::ready;
    }
}

// A port can be used as soon as the host accepted its forward (the redirection forward may
// still be pending). Only the management port is served: 16992 (plain HTTP), or 16993 (TLS)
// on a TLS-enforced device, whose 16992 is closed; redirection ports are advertised but nothing
// listens behind them in the simulator, so they fail with reason 2, as 16993 does when the
// simulator has no TLS material.
void Session::on_channel_open(ByteReader& reader) {
    auto type = read_string(reader, "channel type");
    auto host_id = reader.u32be("sender channel");
    auto window = reader.u32be("initial window");
    reader.u32be("reserved");
    read_string(reader, "connected address");
    auto port = reader.u32be("connected port");
    read_string(reader, "originator address");
    reader.u32be("originator port");
    expect_end(reader, "CHANNEL_OPEN");
    bool served = m_options.tls_enforced
                      ? port == k_port_https
                      : port == k_port_http || (m_options.tls_port && port == k_port_https);
    if (m_phase == Phase::idle || m_phase == Phase::service_requested) {
        m_send(channel_open_failure(host_id, k_open_prohibited));
    } else if (type != k_forwarded_tcpip && type != k_direct_tcpip) {
        m_send(channel_open_failure(host_id, k_open_unknown_type));
    } else if (!served ||
               std::find(m_accepted.begin(), m_accepted.end(), port) == m_accepted.end()) {
        m_send(channel_open_failure(host_id, k_open_connect_failed));
    } else if (auto connection = open_management_connection(m_service, port == k_port_https, true);
               connection == nullptr) {
        m_send(channel_open_failure(host_id, k_open_connect_failed));
    } else if (m_service.fire_apf_fault("apf-open-failure")) {
        m_send(channel_open_failure(host_id, k_open_resource_shortage));
    } else {
        open_channel(host_id, window, std::move(connection));
    }
}

void Session::open_channel(std::uint32_t host_id, std::uint32_t window,
                           std::unique_ptr<StreamConnection> connection) {
    std::uint32_t id = ++m_next_channel;
    if (id == host_id) {
        id = ++m_next_channel;
    }
    auto& channel = m_channels[id];
    channel.host_id = host_id;
    channel.host_window = window;
    channel.our_window = m_options.receive_window;
    channel.http = std::move(connection);
    m_service.count_apf_channel();
    m_send(channel_open_confirmation(host_id, id, m_options.receive_window));
}

// The window is accounted over the channel's life: each byte the host sends uses it up, and
// the firmware grants it again (WINDOW_ADJUST) only once half the window has been consumed, so
// a host that keeps sending without waiting for the adjust overruns it and loses the session.
void Session::on_channel_data(ByteReader& reader) {
    auto id = reader.u32be("recipient channel");
    auto size = reader.u32be("data length");
    auto data = reader.bytes(size, "data");
    expect_end(reader, "CHANNEL_DATA");
    auto found = m_channels.find(id);
    if (found == m_channels.end() || found->second.close_sent) {
        return;
    }
    auto& channel = found->second;
    if (size > channel.our_window) {
        drop(); // the host overran the window the firmware granted
        return;
    }
    if (m_service.fire_apf_fault("apf-stall")) {
        m_stalled = true; // the request is swallowed; nothing ever comes back
        return;
    }
    channel.our_window -= size;
    channel.uncredited += size;
    auto before = channel.http->responses();
    channel.pending += channel.http->receive(
        std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    bool answered = channel.http->responses() > before || channel.http->closed();
    if (!answered && channel.uncredited * 2 >= m_options.receive_window) {
        m_send(
            channel_window_adjust(channel.host_id, static_cast<std::uint32_t>(channel.uncredited)));
        channel.our_window += channel.uncredited;
        channel.uncredited = 0;
    }
    if (answered) {
        channel.closing = true; // one HTTP response per channel, as firmware does
        if (m_service.fire_apf_fault("apf-early-close")) {
            channel.pending.resize(channel.pending.size() / 2); // the rest never comes
        }
    }
    if (flush(channel)) {
        on_closed();
    }
}

void Session::on_window_adjust(ByteReader& reader) {
    auto id = reader.u32be("recipient channel");
    auto add = reader.u32be("bytes to add");
    expect_end(reader, "CHANNEL_WINDOW_ADJUST");
    if (auto found = m_channels.find(id); found != m_channels.end()) {
        found->second.host_window += add;
        if (flush(found->second)) {
            on_closed();
        }
    }
}

// Firmware drops the whole LME session on every CHANNEL_CLOSE (apf-lme.md section 4 step 5).
// The host's close of a channel the firmware already closed finds no session: it is ignored.
void Session::on_channel_close(ByteReader& reader) {
    auto id = reader.u32be("recipient channel");
    expect_end(reader, "CHANNEL_CLOSE");
    if (auto found = m_channels.find(id); found != m_channels.end() && !found->second.close_sent) {
        m_send(channel_close(found->second.host_id));
    }
    drop();
}

// A channel whose response is out is closed, and with it the session.
bool Session::flush(Channel& channel) {
    std::size_t max_payload = m_options.max_message > 9 ? m_options.max_message - 9 : 1;
    while (!channel.pending.empty() && channel.host_window > 0) {
        auto size = std::min(
            {channel.pending.size(), max_payload, static_cast<std::size_t>(channel.host_window)});
        m_send(channel_data(channel.host_id,
                            as_bytes(std::string_view(channel.pending).substr(0, size))));
        channel.pending.erase(0, size);
        channel.host_window -= size;
    }
    if (channel.pending.empty() && channel.closing && !channel.close_sent) {
        m_send(channel_close(channel.host_id));
        channel.close_sent = true;
        return true;
    }
    return false;
}

// apf-lme.md section 4.5 and section 7: the session ends with the firmware's own close; the
// next request needs a new PROTOCOL_VERSION before CHANNEL_OPEN is accepted again.
void Session::on_closed() {
    drop();
}

void Session::drop() {
    m_channels.clear();
    m_phase = Phase::idle;
    m_accepted.clear();
}

} // namespace amtcfg::sim::apf
