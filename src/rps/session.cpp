// The client side of an RPS session: first message, relay loop, TLS tunnel, outcome.
#include "amtcfg/rps/session.hpp"

#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/rps/relay.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <poll.h>

#include <chrono>
#include <optional>

namespace amtcfg::rps {
namespace {

constexpr int k_wait_slice_ms = 1'000;

using Clock = std::chrono::steady_clock;

double milliseconds(Clock::duration duration) {
    return std::chrono::duration<double, std::milli>(duration).count();
}

std::string as_text(const Bytes& bytes) {
    return {bytes.begin(), bytes.end()};
}

Bytes as_bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

// A TLS handshake record carrying a ClientHello: the server's TLS client starts a new session,
// which needs a new connection to AMT (reference section 5).
bool is_client_hello(std::string_view record) {
    return record.size() > 5 && static_cast<unsigned char>(record[0]) == 0x16 &&
           static_cast<unsigned char>(record[5]) == 0x01;
}

class SessionRunner {
public:
    SessionRunner(ws::Connection& server, const AmtOpener& amt, const SessionOptions& options,
                  const Deadline& deadline, Log& log)
        : m_server(server), m_amt(amt), m_options(options), m_deadline(deadline), m_log(log) {}

    Outcome run(const Secret& command_line, const Secret& payload) {
        send_first(command_line, payload);
        for (;;) {
            Message message = decode(next_text());
            const std::string& method = message.method;
            if (method == "wsman") {
                relay(message);
            } else if (method == "success" || method == "error") {
                m_outcome.success = method == "success";
                m_outcome.message = message.message;
                m_log.debug("rps: the server said {} after {} relayed requests", method,
                            m_outcome.relayed_requests);
                close_quietly();
                return m_outcome;
            } else if (method == "heartbeat_request") {
                send(reply("heartbeat_response", "success", ""));
            } else if (method == "progress") {
                if (m_options.progress) {
                    m_options.progress(message.message);
                }
                m_log.info("rps: {}", message.message);
            } else if (method == "port_switch") {
                switch_port(message);
            } else if (method == "tls_data") {
                tunnel_to_amt(message);
            } else {
                m_log.debug("rps: ignoring a \"{}\" message, which this client does not know",
                            method.substr(0, 40));
            }
        }
    }

private:
    Message reply(std::string method, std::string status, std::string payload) const {
        Message message;
        message.method = std::move(method);
        message.app_version = m_options.app_version;
        message.status = std::move(status);
        message.message = "ok";
        message.fqdn = m_options.fqdn;
        message.tenant_id = m_options.tenant_id;
        message.payload = std::move(payload);
        return message;
    }

    void send(const Message& message) { m_server.send_text(encode(message)); }

    void send_first(const Secret& command_line, const Secret& payload) {
        Message first = reply(command_line.reveal(), "ok", "");
        Bytes raw = as_bytes(payload.reveal());
        first.payload = crypto::base64_encode(raw);
        wipe_bytes(raw);
        Secret text(encode(first));
        wipe_string(first.method);
        wipe_string(first.payload);
        m_server.send_text(text.reveal());
    }

    // The next message from the server, serving the TLS tunnel while waiting for it.
    std::string next_text() {
        for (;;) {
            if (auto text = m_server.receive_text(0)) {
                return std::move(*text);
            }
            if (m_server.closed()) {
                throw closed_early();
            }
            serve_tunnel();
            m_deadline.check("the provisioning server's next message");
            std::vector<pollfd> descriptors;
            m_server.channel().add_wait_descriptors(descriptors);
            if (m_tunnel) {
                m_tunnel->add_wait_descriptors(descriptors);
            }
            ::poll(descriptors.data(), descriptors.size(),
                   m_deadline.remaining_ms(k_wait_slice_ms));
        }
    }

    Error closed_early() const {
        const auto& close = m_server.close_info();
        std::string how =
            close && close->code != 1006
                ? fmt::format("with code {}{}{}", close->code, close->reason.empty() ? "" : ": ",
                              strip_controls(close->reason))
                : std::string("without a closing handshake");
        return Error(ErrorCategory::server_unreachable,
                     fmt::format("the provisioning server closed the connection {} after {} "
                                 "relayed requests, without saying success or error",
                                 how, m_outcome.relayed_requests));
    }

    Bytes payload_bytes(const Message& message) const {
        try {
            return crypto::base64_decode(message.payload);
        } catch (const std::exception&) {
            throw Error(ErrorCategory::server_unreachable,
                        fmt::format("the provisioning server's \"{}\" message has a payload that "
                                    "is not base64",
                                    message.method));
        }
    }

    // One wsman request: a new connection to AMT's port 16992, the request written as it came,
    // the whole response read back (its framing says when) and returned.
    void relay(const Message& message) {
        if (m_options.amt_tls_only) {
            throw Error(ErrorCategory::server_unreachable,
                        "the provisioning server sent a plain WS-Man request, but this AMT takes "
                        "only TLS on its local ports (port 16992 is closed): the server must use "
                        "its TLS tunnel (port_switch), which amtcfg asked for");
        }
        auto started = Clock::now();
        std::string request = as_text(payload_bytes(message));
        check_relayed_request(request);
        auto amt_started = Clock::now();
        auto channel = m_amt(k_amt_http_port);
        channel->send(request);
        std::string response;
        while (!response_complete(response)) {
            if (!channel->receive(response, -1)) {
                break; // AMT closed the connection: that ends a response without framing
            }
            m_deadline.check(fmt::format("AMT's answer from {}", channel->describe()));
        }
        if (response.empty()) {
            throw Error(ErrorCategory::wsman_unreachable,
                        fmt::format("{} closed the connection without answering a relayed request",
                                    channel->describe()));
        }
        auto amt_done = Clock::now();
        channel.reset();
        send(reply("response", "ok", crypto::base64_encode(as_bytes(response))));
        auto done = Clock::now();
        ++m_outcome.relayed_requests;
        double amt_ms = milliseconds(amt_done - amt_started);
        double relay_ms = milliseconds((amt_started - started) + (done - amt_done));
        m_outcome.amt_ms += amt_ms;
        m_outcome.relay_ms += relay_ms;
        m_log.debug("rps: relayed request {} ({} bytes, answer {} bytes): AMT {:.1f} ms, relay "
                    "{:.2f} ms",
                    m_outcome.relayed_requests, request.size(), response.size(), amt_ms, relay_ms);
    }

    // port_switch: the server runs TLS to AMT itself, its records carried in tls_data.
    void switch_port(const Message& message) {
        std::string text = message.payload;
        try {
            text = as_text(crypto::base64_decode(message.payload));
        } catch (const std::exception&) {
            // Some servers send the JSON itself.
        }
        nlohmann::json request = nlohmann::json::parse(text, nullptr, false);
        std::string port;
        if (request.is_object() && request.contains("port")) {
            const auto& value = request["port"];
            port = value.is_string()            ? value.get<std::string>()
                   : value.is_number_unsigned() ? std::to_string(value.get<unsigned>())
                                                : std::string();
        }
        if (port != "16993" && port != "16992") {
            throw Error(ErrorCategory::server_unreachable,
                        fmt::format("refused the provisioning server's port_switch to port \"{}\": "
                                    "the relay reaches only AMT's ports 16992 and 16993",
                                    port.substr(0, 16)));
        }
        m_tunnel_port = static_cast<std::uint16_t>(std::stoi(port));
        m_outcome.tls_tunnel = true;
        m_tunnel = m_amt(m_tunnel_port);
        m_tunnel_used = false;
        m_log.debug("rps: TLS tunnel to AMT's port {} over {}", port, m_tunnel->describe());
        send(reply("port_switch_ack", "ok", ""));
    }

    void tunnel_to_amt(const Message& message) {
        if (m_tunnel_port == 0) {
            throw Error(ErrorCategory::server_unreachable,
                        "the provisioning server sent tls_data before port_switch");
        }
        std::string record = as_text(payload_bytes(message));
        bool hello = is_client_hello(record);
        if (!m_tunnel && !hello) {
            // The end of a session whose connection AMT already closed (the server's
            // close_notify): it belongs to that connection, not to a new one.
            m_log.debug("rps: dropping {} tunnel bytes for a closed connection", record.size());
            return;
        }
        if (!m_tunnel || (m_tunnel_used && hello)) {
            m_tunnel = m_amt(m_tunnel_port);
            m_tunnel_used = false;
        }
        try {
            m_tunnel->send(record);
        } catch (const Error& error) {
            tunnel_ended(error);
            return;
        }
        m_tunnel_used = true;
        m_outcome.tunnel_bytes += record.size();
    }

    // AMT ended the tunnelled connection, with a close or a reset (it may reset a socket that
    // still gets the server's close_notify): the server hears connection_reset and starts a
    // new TLS session on a new connection. A timeout is the command's, not the connection's.
    void tunnel_ended(const Error& error) {
        if (error.category() == ErrorCategory::timed_out) {
            throw error;
        }
        m_log.debug("rps: the tunnelled connection ended: {}", error.what());
        m_tunnel.reset();
        send(reply("connection_reset", "ok", ""));
    }

    // Forwards what AMT sent through the tunnel; AMT closing it becomes connection_reset.
    void serve_tunnel() {
        if (!m_tunnel) {
            return;
        }
        std::string data;
        bool open = true;
        std::optional<Error> failure;
        try {
            for (std::size_t before = 0; open; before = data.size()) {
                open = m_tunnel->receive(data, 0);
                if (data.size() == before) {
                    break; // nothing more has arrived
                }
            }
        } catch (const Error& error) {
            failure = error;
        }
        if (!data.empty()) {
            m_outcome.tunnel_bytes += data.size();
            send(reply("tls_data", "ok", crypto::base64_encode(as_bytes(data))));
        }
        if (failure) {
            tunnel_ended(*failure);
        } else if (!open) {
            tunnel_ended(Error(ErrorCategory::wsman_unreachable, "AMT closed it"));
        }
    }

    void close_quietly() {
        try {
            m_server.close();
        } catch (const Error& error) {
            m_log.debug("rps: closing the connection: {}", error.what());
        }
    }

    ws::Connection& m_server;
    const AmtOpener& m_amt;
    const SessionOptions& m_options;
    const Deadline& m_deadline;
    Log& m_log;
    Outcome m_outcome;
    std::unique_ptr<ByteChannel> m_tunnel;
    std::uint16_t m_tunnel_port = 0;
    bool m_tunnel_used = false;
};

} // namespace

Outcome run_session(ws::Connection& server, const Secret& command_line, const Secret& payload,
                    const AmtOpener& amt, const SessionOptions& options, const Deadline& deadline,
                    Log& log) {
    return SessionRunner(server, amt, options, deadline, log).run(command_line, payload);
}

} // namespace amtcfg::rps
