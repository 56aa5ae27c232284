// Choosing between LMS and amtcfg's own APF tunnel, and building http::Clients for the choice.
#include "amtcfg/flows/amt_link.hpp"

#include "amtcfg/http/socket_channel.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::flows {
namespace {

// Over LME after auto passed LMS by, a failure carries both reasons (exit 20).
class ExplainingClient final : public http::Client {
public:
    ExplainingClient(std::unique_ptr<http::Client> inner, std::string lms_refusal)
        : m_inner(std::move(inner)), m_lms_refusal(std::move(lms_refusal)) {}

    http::Response post(const std::string& path, const std::string& body) override {
        try {
            return m_inner->post(path, body);
        } catch (const Error& error) {
            // LME's own causes (busy, no LME client) become "both paths failed" here; a
            // timeout, a bug, and AMT's TLS certificate refused (it was reached) keep theirs.
            if (error.category() == ErrorCategory::timed_out ||
                error.category() == ErrorCategory::internal ||
                error.category() == ErrorCategory::tls_failed) {
                throw;
            }
            throw Error(ErrorCategory::wsman_unreachable,
                        fmt::format("cannot reach AMT's WS-Man service: {}; and over LME: {}",
                                    m_lms_refusal, error.what()));
        }
    }

private:
    std::unique_ptr<http::Client> m_inner;
    std::string m_lms_refusal;
};

} // namespace

TransportMode parse_transport_mode(std::string_view text) {
    if (text == "auto") {
        return TransportMode::automatic;
    }
    if (text == "lms") {
        return TransportMode::lms;
    }
    if (text == "lme") {
        return TransportMode::lme;
    }
    throw Error(ErrorCategory::usage,
                fmt::format("unknown transport \"{}\": use auto, lms or lme", text));
}

AmtLink::AmtLink(mei::Device& device, TransportOptions options, Log& log, const Deadline& deadline)
    : m_device(device), m_options(std::move(options)), m_log(log), m_deadline(deadline) {}

AmtLink::~AmtLink() {
    if (m_session) {
        const apf::SessionStats& stats = m_session->stats();
        m_log.debug("apf: {} LME connections, {} handshakes, {} channels", stats.connects,
                    stats.handshakes, stats.channels);
    }
}

std::uint16_t AmtLink::lms_port() const {
    if (m_options.lms_port != 0) {
        return m_options.lms_port;
    }
    return m_tls ? apf::k_port_https : apf::k_port_http;
}

// Decides between LMS and LME without sending anything to a listener that is not trusted.
void AmtLink::choose_path() {
    if (m_options.mode == TransportMode::lme) {
        m_path = TransportPath::lme;
    } else {
        int timeout = m_deadline.remaining_ms(m_options.lms_probe_timeout_ms);
        const auto& address = m_options.lms_address;
        http::LmsCheck check = m_options.check_lms
                                   ? m_options.check_lms(address, lms_port(), timeout)
                                   : http::check_lms(address, lms_port(), timeout);
        std::string where = fmt::format("LMS at {}:{}", address.url_host(), lms_port());
        if (check.trusted()) {
            m_path = TransportPath::lms;
            m_log.info("transport: using {}: {}", where, check.detail);
        } else if (m_options.mode == TransportMode::lms) {
            throw Error(ErrorCategory::wsman_unreachable,
                        fmt::format("cannot use {} (--transport lms): {}", where, check.detail));
        } else {
            m_path = TransportPath::lme;
            m_lms_refusal = fmt::format("{}: {}", where, check.detail);
            if (check.verdict == http::LmsVerdict::not_root) {
                m_log.warning("transport: not using {}; using amtcfg's own APF tunnel over LME",
                              m_lms_refusal);
            } else {
                m_log.info("transport: not using {}; using amtcfg's own APF tunnel over LME",
                           m_lms_refusal);
            }
        }
    }
    if (m_path == TransportPath::lme) {
        m_session = std::make_unique<apf::Session>(m_device, m_log, m_deadline);
    }
}

std::unique_ptr<http::Client> AmtLink::client(http::Credentials credentials) {
    if (!m_path) {
        choose_path();
    }
    http::Endpoint endpoint;
    if (m_tls) {
        endpoint.scheme = http::Scheme::https;
        endpoint.tls = m_tls;
    }
    if (m_path == TransportPath::lms) {
        endpoint.host = m_options.lms_address.url_host();
        endpoint.port = lms_port();
        endpoint.description = fmt::format("LMS at {}:{}", endpoint.host, endpoint.port);
        return http::make_curl_client(std::move(endpoint), std::move(credentials), m_log,
                                      m_deadline);
    }
    endpoint.port = m_tls ? apf::k_port_https : apf::k_port_http;
    apf::ChannelStream& stream = stream_to(endpoint.port);
    endpoint.stream = &stream;
    endpoint.description = stream.describe();
    auto client =
        http::make_curl_client(std::move(endpoint), std::move(credentials), m_log, m_deadline);
    if (m_lms_refusal.empty()) {
        return client;
    }
    return std::make_unique<ExplainingClient>(std::move(client), m_lms_refusal);
}

std::unique_ptr<ByteChannel> AmtLink::raw_channel(std::uint16_t port) {
    if (!m_path) {
        choose_path();
    }
    if (m_path == TransportPath::lms) {
        std::uint16_t lms = m_options.lms_port != 0 ? m_options.lms_port : port;
        return http::connect_loopback(m_options.lms_address, lms, m_deadline);
    }
    return http::connect_pumped(stream_to(port), m_deadline);
}

bool AmtLink::local_tls_only() {
    if (!m_path) {
        choose_path();
    }
    if (m_path != TransportPath::lme) {
        return false;
    }
    const auto& ports = m_session->learn_forwarded_ports();
    auto forwarded = [&ports](std::uint32_t port) {
        return std::find(ports.begin(), ports.end(), port) != ports.end();
    };
    return forwarded(apf::k_port_https) && !forwarded(apf::k_port_http);
}

apf::ChannelStream& AmtLink::stream_to(std::uint16_t port) {
    for (const auto& stream : m_streams) {
        if (stream->port() == port) {
            return *stream;
        }
    }
    m_streams.push_back(std::make_unique<apf::ChannelStream>(*m_session, port, m_log));
    return *m_streams.back();
}

const apf::SessionStats* AmtLink::apf_stats() const {
    return m_session ? &m_session->stats() : nullptr;
}

} // namespace amtcfg::flows
