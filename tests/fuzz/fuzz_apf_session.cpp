// Fuzz target: the APF session state machine, driven by a sequence of host calls (open, send,
// credit, close, poll) interleaved with AMT's messages from the input, raw or well formed. The
// fake LME client checks everything the host sends: decodable, within the MTU, one connection at
// a time, channels opened only after a complete handshake and to a forwarded port, channel data
// only on the confirmed channel, within AMT's window, and nothing after a close ended the session.
#include "amtcfg/apf/session.hpp"
#include "amtcfg/util/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>

using namespace amtcfg;
using namespace amtcfg::apf;

namespace {

[[noreturn]] void violated() {
    __builtin_trap();
}

// Reads the fuzz input front to back; past the end it yields zeros.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
    bool done() const { return m_pos >= m_size; }
    std::uint8_t u8() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
    std::uint32_t u32() { return std::uint32_t{u16()} << 16 | u16(); }
    Bytes bytes(std::size_t count) {
        count = std::min(count, m_size - std::min(m_pos, m_size));
        Bytes out(m_data + m_pos, m_data + m_pos + count);
        m_pos += count;
        return out;
    }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// What the fake knows of the current LME connection, from what it delivered and received.
struct Connection {
    bool version = false;
    bool service = false;
    std::vector<std::uint32_t> forwarded;
    bool ended = false; // a channel closed or AMT disconnected: firmware ends the session
    std::uint32_t host_channel = 0;
    bool opening = false;
    std::optional<std::uint32_t> amt_channel;
    std::uint64_t credit = 0; // AMT's window: the confirmation's plus every adjustment since
    bool closed_by_amt = false;
};

class FakeLme : public mei::Device {
public:
    explicit FakeLme(std::uint32_t mtu) : m_mtu(mtu) {
        if (::pipe2(m_pipe.data(), O_NONBLOCK | O_CLOEXEC) != 0) {
            violated();
        }
    }
    ~FakeLme() override {
        ::close(m_pipe[0]);
        ::close(m_pipe[1]);
    }
    FakeLme(const FakeLme&) = delete;
    FakeLme& operator=(const FakeLme&) = delete;

    std::unique_ptr<mei::Transport> connect(const mei::ClientGuid& client) override;
    std::string_view path() const override { return "/dev/fuzz-mei"; }

    bool fail_next_connect = false;
    bool connected = false;
    Connection connection;
    std::uint32_t mtu() const { return m_mtu; }
    int poll_fd() const { return m_pipe[0]; }

    // AMT sends a message; no ME message is longer than the client's MTU.
    void queue(Bytes message) {
        if (m_mtu != 0 && message.size() > m_mtu) {
            message.resize(m_mtu);
        }
        m_outbox.push_back(std::move(message));
        char one = 1;
        (void)!::write(m_pipe[1], &one, 1);
    }
    Bytes deliver();
    void from_host(ByteView raw);

private:
    void delivered(const Message& message);
    void check_channel_data(const ChannelData& data);
    std::uint32_t m_mtu;
    std::array<int, 2> m_pipe{-1, -1};
    std::deque<Bytes> m_outbox;
};

class FakeLink : public mei::Transport {
public:
    explicit FakeLink(FakeLme& lme) : m_lme(lme) { m_properties.max_message_length = lme.mtu(); }
    ~FakeLink() override { m_lme.connected = false; }
    FakeLink(const FakeLink&) = delete;
    FakeLink& operator=(const FakeLink&) = delete;
    const mei::ClientProperties& properties() const override { return m_properties; }
    void send(ByteView message) override { m_lme.from_host(message); }
    Bytes receive(int) override { return m_lme.deliver(); }
    int poll_handle() const override { return m_lme.poll_fd(); }

private:
    FakeLme& m_lme;
    mei::ClientProperties m_properties;
};

std::unique_ptr<mei::Transport> FakeLme::connect(const mei::ClientGuid&) {
    if (connected) {
        violated(); // the LME client is connected twice: the old connection was not freed
    }
    if (fail_next_connect) {
        fail_next_connect = false;
        throw Error(ErrorCategory::no_device, "fuzz: the LME client is gone");
    }
    connected = true;
    connection = Connection{};
    return std::make_unique<FakeLink>(*this);
}

Bytes FakeLme::deliver() {
    if (m_outbox.empty()) {
        throw Error(ErrorCategory::timed_out, "fuzz: AMT sends nothing more");
    }
    char one = 0;
    (void)!::read(m_pipe[0], &one, 1);
    Bytes message = std::move(m_outbox.front());
    m_outbox.pop_front();
    try {
        delivered(decode_message(message));
    } catch (const DecodeError&) {
    }
    return message;
}

void FakeLme::delivered(const Message& message) {
    Connection& c = connection;
    auto for_channel = [&c](std::uint32_t id) { return id == c.host_channel; };
    if (const auto* version = std::get_if<ProtocolVersion>(&message)) {
        c.version = c.version || version->major == 1;
    } else if (const auto* service = std::get_if<ServiceRequest>(&message)) {
        c.service = c.service || service->service == k_service_pfwd;
    } else if (const auto* request = std::get_if<GlobalRequest>(&message)) {
        if (request->name == k_request_tcpip_forward) {
            c.forwarded.push_back(request->port);
        } else if (request->name == k_request_cancel_tcpip_forward) {
            std::erase(c.forwarded, request->port);
        }
    } else if (const auto* confirm = std::get_if<ChannelOpenConfirmation>(&message)) {
        if (for_channel(confirm->recipient_channel) && c.opening) {
            c.opening = false;
            c.amt_channel = confirm->sender_channel;
            c.credit = confirm->window;
        }
    } else if (const auto* failure = std::get_if<ChannelOpenFailure>(&message)) {
        c.opening = c.opening && !for_channel(failure->recipient_channel);
    } else if (const auto* adjust = std::get_if<ChannelWindowAdjust>(&message)) {
        if (for_channel(adjust->recipient_channel) && c.amt_channel) {
            c.credit += adjust->bytes_to_add;
        }
    } else if (const auto* close = std::get_if<ChannelClose>(&message)) {
        if (for_channel(close->recipient_channel) && c.amt_channel && !c.closed_by_amt) {
            c.closed_by_amt = true;
            c.ended = true;
        }
        c.opening = c.opening && !for_channel(close->recipient_channel);
    } else if (std::holds_alternative<Disconnect>(message)) {
        c.ended = true;
    }
}

void FakeLme::check_channel_data(const ChannelData& data) {
    Connection& c = connection;
    if (!c.amt_channel || data.recipient_channel != *c.amt_channel || c.closed_by_amt ||
        data.data.empty() || data.data.size() > c.credit) {
        violated();
    }
    c.credit -= data.data.size();
}

void FakeLme::from_host(ByteView raw) {
    if (!connected || (m_mtu != 0 && raw.size() > m_mtu)) {
        violated();
    }
    Message message;
    try {
        message = decode_message(raw);
    } catch (const DecodeError&) {
        violated(); // the host sent something it cannot decode itself
    }
    Connection& c = connection;
    if (c.ended && (std::holds_alternative<ChannelOpen>(message) ||
                    std::holds_alternative<ChannelData>(message))) {
        violated(); // firmware ended this session; a new connection is needed
    }
    if (const auto* open = std::get_if<ChannelOpen>(&message)) {
        bool management = std::any_of(c.forwarded.begin(), c.forwarded.end(), [](auto port) {
            return port == k_port_http || port == k_port_https;
        });
        bool forwarded = std::find(c.forwarded.begin(), c.forwarded.end(), open->connected_port) !=
                         c.forwarded.end();
        if (!c.version || !c.service || !management || !forwarded || open->sender_channel == 0 ||
            open->sender_channel >= 32) {
            violated();
        }
        c.host_channel = open->sender_channel;
        c.opening = true;
        c.amt_channel.reset();
        c.closed_by_amt = false;
        c.credit = 0;
    } else if (const auto* data = std::get_if<ChannelData>(&message)) {
        check_channel_data(*data);
    } else if (const auto* adjust = std::get_if<ChannelWindowAdjust>(&message)) {
        if (!c.amt_channel || adjust->recipient_channel != *c.amt_channel) {
            violated();
        }
    } else if (const auto* close = std::get_if<ChannelClose>(&message)) {
        if (!c.amt_channel || close->recipient_channel != *c.amt_channel || c.closed_by_amt) {
            violated();
        }
        c.ended = true;
    }
}

std::uint32_t channel_ref(Input& in, const FakeLme& lme) {
    std::uint8_t b = in.u8();
    return b < 192 ? lme.connection.host_channel : b % 33U;
}

std::uint32_t port_ref(Input& in) {
    constexpr std::array<std::uint32_t, 7> ports{k_port_http, k_port_https,           623, 664,
                                                 16994,       k_port_asf_rmcp_secure, 0};
    std::uint8_t b = in.u8();
    return b < 7 * 32 ? ports[b % 7] : in.u32();
}

std::uint32_t window_ref(Input& in) {
    constexpr std::array<std::uint32_t, 6> windows{0, 1, 100, 4096, 0xFFFFFFFFU, 0x7FFFFFFFU};
    std::uint8_t b = in.u8();
    return b < 6 * 32 ? windows[b % 6] : in.u32();
}

// A well-formed message of a type AMT sends, with fields steered by the input.
Bytes amt_message(Input& in, const FakeLme& lme) {
    switch (in.u8() % 12) {
    case 0:
        return encode(ProtocolVersion{in.u8() % 3U, in.u8(), 254, {}});
    case 1:
        return encode(ServiceRequest{std::string(in.u8() % 4 ? k_service_pfwd : k_service_auth)});
    case 2:
        return encode(GlobalRequest{std::string(k_request_tcpip_forward), 1, "::1", port_ref(in)});
    case 3:
        return encode(
            GlobalRequest{std::string(k_request_cancel_tcpip_forward), 1, "::1", port_ref(in)});
    case 4:
        return encode(GlobalRequest{"keepalive@amt.intel.com", 0, "", 0});
    case 5:
        return encode(
            ChannelOpenConfirmation{channel_ref(in, lme), in.u32(), window_ref(in), k_reserved});
    case 6:
        return encode(ChannelOpenFailure{channel_ref(in, lme), in.u8() % 6U});
    case 7:
        return encode(ChannelWindowAdjust{channel_ref(in, lme), window_ref(in)});
    case 8:
        return encode(ChannelData{channel_ref(in, lme), in.bytes(in.u8())});
    case 9:
        return encode(ChannelClose{channel_ref(in, lme)});
    case 10:
        return in.u8() % 2 ? encode(Disconnect{in.u32()}) : encode(Disconnect{});
    default:
        return encode(KeepaliveRequest{in.bytes(in.u8() % 16U)});
    }
}

// One step of the host, as ChannelStream and the HTTP client would drive the session.
void host_step(Input& in, FakeLme& lme, Session& session) {
    switch (in.u8() % 10) {
    case 0:
        lme.queue(in.bytes(in.u8()));
        break;
    case 1:
    case 2:
    case 3:
        lme.queue(amt_message(in, lme));
        break;
    case 4:
        session.open_channel(in.u8() % 8 ? k_port_http : k_port_https);
        break;
    case 5:
        session.send(Bytes(in.u16(), 'x'));
        break;
    case 6: {
        Bytes received = session.take_received();
        session.credit(in.u8() % 2 ? received.size() : in.u16());
        break;
    }
    case 7:
        session.close_channel();
        break;
    case 8:
        session.receive_ready();
        break;
    default:
        lme.fail_next_connect = true;
        break;
    }
}

class NullSink : public LogSink {
public:
    void write(LogLevel, std::string_view) override {}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    constexpr std::array<std::uint32_t, 4> mtus{0, 100, 512, 4096};
    FakeLme lme(mtus[in.u8() % 4]);
    NullSink sink;
    Log log;
    log.add_sink(sink, LogLevel::trace); // the trace lines' formatting runs too
    Deadline unlimited;                  // no clock: every wait ends when the input does
    Session session(lme, log, unlimited);
    while (!in.done()) {
        try {
            host_step(in, lme, session);
        } catch (const Error&) {
            // Refusals, timeouts and lost sessions are answers; anything else escapes and crashes.
        }
        if (session.send_budget() > 0 && !session.channel_open()) {
            violated();
        }
    }
    return 0;
}
