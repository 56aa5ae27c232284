// AmtLink: how WS-Man reaches local AMT for one command (LMS on loopback, or the APF tunnel).
#pragma once

#include "amtcfg/apf/channel_stream.hpp"
#include "amtcfg/apf/session.hpp"
#include "amtcfg/http/client.hpp"
#include "amtcfg/http/curl_client.hpp"
#include "amtcfg/http/lms_trust.hpp"
#include "amtcfg/http/tls.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::flows {

enum class TransportMode { automatic, lms, lme };

// Parses the --transport value: "auto", "lms" or "lme"; throws Error(usage) otherwise.
TransportMode parse_transport_mode(std::string_view text);

// Judges whether an LMS listener may be used (http::check_lms; tests pass their own).
using LmsChecker = std::function<http::LmsCheck(const http::LoopbackAddress& address,
                                                std::uint16_t port, int timeout_ms)>;

struct TransportOptions {
    TransportMode mode = TransportMode::automatic;
    http::LoopbackAddress lms_address{http::AddressFamily::ipv4, {127, 0, 0, 1}, "127.0.0.1"};
    std::uint16_t lms_port = 0; // 0: 16992, or 16993 once TLS is in use
    // How long auto waits for LMS to accept. A refused connect answers at once; only a
    // listener that does not answer costs this long (rpc-go v3 keeps waiting, because a
    // running LMS holds the LME client; amtcfg tries LME and reports both reasons instead).
    int lms_probe_timeout_ms = 2'000;
    // Empty: http::check_lms (only a listener owned by root is LMS; DESIGN.md section 6).
    LmsChecker check_lms;
};

enum class TransportPath { lms, lme };

// Chooses the path when the first client is made (no I/O in the constructor), then hands out
// http::Clients that all share it. LMS is used only when a socket owned by root listens there:
// anyone may listen on a loopback port, and WS-Man logins and password digests must reach AMT,
// not an impostor. `auto` falls back to LME otherwise; `lms` is then Error(wsman_unreachable).
// Over LME, every client shares one APF session, so the handshake count of a command stays at
// one per channel that AMT closes.
class AmtLink {
public:
    AmtLink(mei::Device& device, TransportOptions options, Log& log, const Deadline& deadline);
    ~AmtLink();
    AmtLink(const AmtLink&) = delete;
    AmtLink& operator=(const AmtLink&) = delete;

    // A client with these digest credentials, for AMT's port 16992, or 16993 over TLS after
    // use_tls(); it must not outlive the link.
    std::unique_ptr<http::Client> client(http::Credentials credentials);

    // AMT that enforces TLS on its local ports (AMT 19+): clients made from now on speak TLS to
    // port 16993 (through LMS or the APF tunnel alike) with `tls`: its trust judges AMT's
    // certificate, and its session cache lets every later connection resume. Clients made
    // before keep theirs. Null returns to plain HTTP. Returns the context used before.
    std::shared_ptr<http::TlsContext> use_tls(std::shared_ptr<http::TlsContext> tls) {
        std::swap(m_tls, tls);
        return tls;
    }

    // A raw byte connection to AMT's `port` (16992 or 16993) over the chosen path, for the RPS
    // relay, which writes complete HTTP requests (or TLS records) itself; over LME each call is
    // one APF channel. It must not outlive the link.
    std::unique_ptr<ByteChannel> raw_channel(std::uint16_t port);

    // Whether AMT takes only TLS on its local ports: over LME, AMT forwards 16993 and not 16992
    // (TLS enforced, or local TLS configured). Chooses the path; over LMS it cannot tell and
    // says false.
    bool local_tls_only();

    // The chosen path; empty until client() was called.
    std::optional<TransportPath> path() const { return m_path; }
    // APF counters for scripts/bench.sh; null unless the LME path was chosen.
    const apf::SessionStats* apf_stats() const;

private:
    void choose_path();
    std::uint16_t lms_port() const;
    apf::ChannelStream& stream_to(std::uint16_t port);

    mei::Device& m_device;
    TransportOptions m_options;
    Log& m_log;
    const Deadline& m_deadline;
    std::optional<TransportPath> m_path;
    std::string m_lms_refusal; // why auto did not use LMS, for the message when LME fails too
    std::unique_ptr<apf::Session> m_session;
    // One per AMT port clients were made for (16992, 16993); kept while the link lives, since
    // the clients made for them may.
    std::vector<std::unique_ptr<apf::ChannelStream>> m_streams;
    std::shared_ptr<http::TlsContext> m_tls;
};

} // namespace amtcfg::flows
