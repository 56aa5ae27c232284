// ws::Connection: the client side of RFC 6455 over a ByteChannel, one thread, no idle timers.
#include "amtcfg/ws/connection.hpp"

#include "handshake.hpp"

#include "amtcfg/crypto/pkcs12.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace amtcfg::ws {
namespace {

constexpr std::size_t k_nonce_size = 16;         // RFC 6455 section 4.1: a 16-byte nonce
constexpr std::size_t k_max_answer_head = 16384; // the 101 answer is a few hundred bytes
constexpr std::size_t k_max_close_reason = 123;  // 125 bytes of payload less the code
constexpr int k_wait_cap_ms = 60'000;            // one poll() at most, without a deadline

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string out;
    out += static_cast<char>(code >> 8U);
    out += static_cast<char>(code & 0xFFU);
    out.append(reason.substr(0, k_max_close_reason));
    return out;
}

} // namespace

Connection::Connection(ByteChannel& channel, const Deadline& deadline, RandomBytes random_bytes,
                       Limits limits)
    : m_channel(channel), m_deadline(deadline), m_random_bytes(std::move(random_bytes)),
      m_limits(limits), m_decoder(limits.max_message, /*expect_masked=*/false) {}

std::array<std::uint8_t, 4> Connection::new_mask() {
    std::array<std::uint8_t, 4> mask{};
    m_random_bytes(mask.data(), mask.size());
    return mask;
}

void Connection::send_frame(Opcode opcode, std::string_view payload) {
    m_channel.send(encode_frame(opcode, payload, true, new_mask()));
}

bool Connection::read_more(int wait_ms) {
    bool open = m_channel.receive(m_received, wait_ms);
    m_decoder.feed_from(m_received);
    if (!open) {
        m_ended = true;
    }
    return open;
}

void Connection::open(std::string_view host, std::string_view path) {
    std::array<std::uint8_t, k_nonce_size> nonce{};
    m_random_bytes(nonce.data(), nonce.size());
    std::string key = crypto::base64_encode(ByteView(nonce.data(), nonce.size()));
    m_channel.send(upgrade_request(host, path, key));
    std::optional<std::size_t> head_size;
    while (!(head_size = answer_head_size(m_received))) {
        if (m_received.size() > k_max_answer_head) {
            throw Error(ErrorCategory::server_unreachable,
                        fmt::format("{}: the answer to the WebSocket upgrade has a header over "
                                    "{} bytes",
                                    m_channel.describe(), k_max_answer_head));
        }
        m_deadline.check("waiting for " + m_channel.describe() +
                         " to answer the WebSocket upgrade");
        if (!m_channel.receive(m_received, m_deadline.remaining_ms(k_wait_cap_ms))) {
            m_ended = true; // the last bytes may have come with the end: looked at once more
            if (!answer_head_size(m_received)) {
                throw Error(ErrorCategory::server_unreachable,
                            fmt::format("{}: the server closed the connection without "
                                        "answering the WebSocket upgrade",
                                        m_channel.describe()));
            }
        }
    }
    try {
        check_answer(std::string_view(m_received).substr(0, *head_size), key);
    } catch (const Error& error) {
        throw error.with_context(m_channel.describe());
    }
    m_received.erase(0, *head_size);
    m_decoder.feed_from(m_received); // frames the server sent right behind its answer
}

void Connection::send_text(std::string_view message) {
    if (closed() || m_close_sent) {
        throw Error(ErrorCategory::server_unreachable,
                    fmt::format("{}: the WebSocket connection is closed", m_channel.describe()));
    }
    send_frame(Opcode::text, message);
}

Error Connection::fail(std::uint16_t code, const std::string& what) {
    if (!closed()) {
        if (!m_close_sent && !m_ended) {
            try {
                send_frame(Opcode::close, close_payload(code, {}));
            } catch (const Error&) { // NOLINT(bugprone-empty-catch): the server may be gone
            }
        }
        m_close = CloseInfo{code, what};
    }
    return Error(ErrorCategory::server_unreachable,
                 fmt::format("{}: {}", m_channel.describe(), what));
}

void Connection::on_close_frame(std::string_view payload) {
    if (payload.size() == 1) {
        throw fail(k_close_protocol_error, "the server sent a close frame with a 1-byte payload");
    }
    CloseInfo info;
    if (payload.size() >= 2) {
        info.code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8U) |
                                               static_cast<std::uint8_t>(payload[1]));
        info.reason = std::string(payload.substr(2));
    }
    if (!m_close_sent) {
        // RFC 6455 section 5.5.1: answer with a close frame, echoing the status code.
        try {
            send_frame(Opcode::close, payload.substr(0, std::min<std::size_t>(payload.size(), 2)));
        } catch (const Error&) { // NOLINT(bugprone-empty-catch): the server may be gone already
        }
    }
    m_close = std::move(info);
}

std::optional<std::string> Connection::handle(Frame frame) {
    switch (frame.opcode) {
    case Opcode::text:
        if (m_in_message) {
            throw fail(k_close_protocol_error,
                       "the server began a new message before the previous one ended");
        }
        if (frame.fin) {
            return std::move(frame.payload);
        }
        m_message = std::move(frame.payload);
        m_in_message = true;
        return std::nullopt;
    case Opcode::continuation:
        if (!m_in_message) {
            throw fail(k_close_protocol_error,
                       "the server sent a continuation frame outside of a message");
        }
        m_message += frame.payload;
        if (!frame.fin) {
            return std::nullopt;
        }
        m_in_message = false;
        return std::exchange(m_message, {});
    case Opcode::binary:
        throw fail(k_close_unsupported_data,
                   "the server sent a binary message (the protocol has text messages only)");
    case Opcode::ping:
        if (!m_close_sent) {
            send_frame(Opcode::pong, frame.payload);
        }
        return std::nullopt;
    case Opcode::pong:
        return std::nullopt;
    case Opcode::close:
        on_close_frame(frame.payload);
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> Connection::drain() {
    while (!closed()) {
        std::optional<Frame> frame;
        try {
            auto header = m_decoder.peek();
            if (header && !is_control(header->opcode) &&
                header->payload_size > m_limits.max_message - m_message.size()) {
                throw fail(k_close_too_big,
                           fmt::format("the server sent a message over the limit of {} bytes",
                                       m_limits.max_message));
            }
            frame = m_decoder.next();
        } catch (const Error& error) {
            throw closed() ? error : fail(k_close_protocol_error, error.what());
        }
        if (!frame) {
            break;
        }
        auto message = handle(std::move(*frame));
        if (message && !m_close_sent) {
            return message;
        }
    }
    if (!closed() && m_ended) {
        m_close = CloseInfo{k_close_abnormal, "the connection ended without a close frame"};
    }
    return std::nullopt;
}

std::optional<std::string> Connection::receive_text(int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point until = Clock::now() + std::chrono::milliseconds(timeout_ms);
    bool read_once = false;
    for (;;) {
        if (auto message = drain()) {
            return message;
        }
        if (closed()) {
            return std::nullopt;
        }
        int wait_ms = 0;
        if (timeout_ms == 0) {
            if (read_once) {
                return std::nullopt;
            }
        } else {
            m_deadline.check("waiting for a message from " + m_channel.describe());
            wait_ms = m_deadline.remaining_ms(k_wait_cap_ms);
            if (timeout_ms > 0) {
                auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
                if (left.count() <= 0 && read_once) {
                    return std::nullopt;
                }
                wait_ms = std::clamp(static_cast<int>(left.count()), 0, wait_ms);
            }
        }
        read_more(wait_ms);
        read_once = true;
    }
}

void Connection::close(std::uint16_t code, std::string_view reason) {
    if (closed() || m_close_sent) {
        return;
    }
    send_frame(Opcode::close, close_payload(code, reason));
    m_close_sent = true;
    while (!closed()) {
        drain(); // messages that were under way are dropped
        if (closed()) {
            return;
        }
        m_deadline.check("waiting for " + m_channel.describe() + " to answer the close");
        read_more(m_deadline.remaining_ms(k_wait_cap_ms));
    }
}

} // namespace amtcfg::ws
