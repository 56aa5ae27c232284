// A WebSocket client connection (RFC 6455) over a ByteChannel: the opening handshake, text
// messages in both directions, ping/pong and the closing handshake.
#pragma once

#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/stream.hpp"
#include "amtcfg/ws/frame.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::ws {

// The opening handshake's request (RFC 6455 section 4.1) for `host` (with ":port" when not the
// scheme's default) and `path` (with its query), with the base64 nonce `key`.
std::string upgrade_request(std::string_view host, std::string_view path, std::string_view key);
// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)).
std::string accept_value(std::string_view key);

// Close status codes used here (RFC 6455 section 7.4.1).
inline constexpr std::uint16_t k_close_normal = 1000;
inline constexpr std::uint16_t k_close_protocol_error = 1002;
inline constexpr std::uint16_t k_close_unsupported_data = 1003;
inline constexpr std::uint16_t k_close_no_status = 1005;
inline constexpr std::uint16_t k_close_abnormal = 1006; // never sent: the stream just ended
inline constexpr std::uint16_t k_close_too_big = 1009;

struct CloseInfo {
    std::uint16_t code = 1005; // 1005: the close frame had no code (RFC 6455 section 7.4.1)
    std::string reason;
};

struct Limits {
    // A message (all its fragments) longer than this is refused: the connection is closed with
    // 1009 and Error(server_unreachable) is thrown. RPS itself closes over 100 KB.
    std::size_t max_message = 1024 * 1024;
};

// Every blocking call is bounded by `deadline` (Error(timed_out) naming what was awaited).
// A server that breaks the protocol (a bad handshake answer, a bad frame, a binary message,
// a message over the limit) is Error(server_unreachable) naming what it did. Masking keys and
// the handshake nonce come from `random_bytes` (crypto::random_bytes in amtcfg; tests may pass
// their own).
class Connection {
public:
    using RandomBytes = std::function<void(std::uint8_t* out, std::size_t size)>;

    Connection(ByteChannel& channel, const Deadline& deadline, RandomBytes random_bytes,
               Limits limits = {});

    // Sends the upgrade request and checks the 101 answer (status, Upgrade, Connection and
    // Sec-WebSocket-Accept). A non-101 answer names its status line. Bytes after the answer's
    // header are kept as the first frames.
    void open(std::string_view host, std::string_view path);

    void send_text(std::string_view message);

    // The next whole text message, reassembled from its fragments. Pings are answered with
    // pongs and pongs ignored on the way. Waits at most `timeout_ms` (0: only what already
    // arrived; -1: until the deadline). Returns nothing when no message came in time or when the
    // server closed: closed() then says so, and close_info() says how (a close frame is
    // answered; the end of the stream without one is code 1006).
    std::optional<std::string> receive_text(int timeout_ms);

    bool closed() const { return m_close.has_value(); }
    const std::optional<CloseInfo>& close_info() const { return m_close; }

    // Sends a close frame with `code` (1000: normal) and waits, within the deadline, for the
    // server's answering close frame or the end of the stream. Does nothing once closed.
    void close(std::uint16_t code = 1000, std::string_view reason = {});

    ByteChannel& channel() { return m_channel; }

private:
    ByteChannel& m_channel;
    const Deadline& m_deadline;
    RandomBytes m_random_bytes;
    Limits m_limits;
    std::string m_received; // bytes read from the channel, not yet fed to the decoder
    std::optional<CloseInfo> m_close;
    FrameDecoder m_decoder;
    std::string m_message;     // the fragments of the message being reassembled
    bool m_in_message = false; // a text frame without FIN came, its continuations follow
    bool m_close_sent = false; // close() sent its frame and awaits the answer
    bool m_ended = false;      // the channel reported the end of the stream

    std::array<std::uint8_t, 4> new_mask();
    void send_frame(Opcode opcode, std::string_view payload);
    // Reads once, waiting at most `wait_ms`; false when the stream ended.
    bool read_more(int wait_ms);
    // Handles the frames already received; returns a message once one is complete.
    std::optional<std::string> drain();
    // Handles one frame; returns the message it completed, if any.
    std::optional<std::string> handle(Frame frame);
    void on_close_frame(std::string_view payload);
    // Sends a close frame with `code` (best effort: the peer may be gone), marks the
    // connection closed and returns Error(server_unreachable) with `what` for the caller to throw.
    Error fail(std::uint16_t code, const std::string& what);
};

} // namespace amtcfg::ws
