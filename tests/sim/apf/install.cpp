// Wires the WS-Man service, the APF session and the LMS listener into the simulator.
#include "apf/install.hpp"

#include "apf/apf_session.hpp"
#include "apf/lms_listener.hpp"
#include "wsman/tls_server.hpp"

#include <cstdio>

namespace amtcfg::sim {
namespace {

// The LME client's GUID in uuid_le byte order (mei-heci.md section 4).
constexpr std::array<std::uint8_t, 16> k_lme_client_guid{
    0xdb, 0xa4, 0x33, 0x67, 0x76, 0x04, 0x7b, 0x4e, 0xb3, 0xaf, 0xbc, 0xfc, 0x29, 0xbe, 0xe7, 0xa7};

// The firmware end of one LME connection: every host message goes to an APF session.
class LmeEndpoint : public Endpoint {
public:
    LmeEndpoint(WsmanService& service, DeviceModel& device, std::shared_ptr<HostLink> link)
        : m_session(
              service, [&device] { return device.read(apf::session_options); },
              [link](Bytes message) { link->send(std::move(message)); }) {}

    void receive(ByteView message) override { m_session.receive(message); }

private:
    apf::Session m_session;
};

// Lives as long as the simulator (the process): never destroyed, like the simulator itself.
struct WsmanFace {
    WsmanFace(Simulator& simulator)
        : service(simulator.device(),
                  wsman_faults(simulator.faults(),
                               static_cast<std::uint32_t>(simulator.config().latency_wsman_ms)),
                  real_environment()) {}

    WsmanService service;
    std::unique_ptr<TlsServer> tls; // with AMTCFG_SIM_TLS_DIR
    std::unique_ptr<LmsListener> lms;
};

void add_stats(Stats& stats, const WsmanStats& counted, std::uint64_t lms_connections) {
    stats.add("wsman.http_requests", counted.http_requests);
    stats.add("wsman.calls", counted.wsman_calls);
    stats.add("wsman.auth_challenges", counted.auth_challenges);
    stats.add("apf.handshakes", counted.apf_handshakes);
    stats.add("apf.channels", counted.apf_channels);
    stats.add("lms.connections", lms_connections);
    stats.add("tls.full_handshakes", counted.tls_full_handshakes);
    stats.add("tls.resumed_handshakes", counted.tls_resumed_handshakes);
    stats.add("tls.failed_handshakes", counted.tls_failed_handshakes);
    stats.add("tls.refused_plain", counted.tls_refused_plain);
    for (const auto& [operation, count] : counted.operations) {
        stats.add("wsman.operations." + operation, count);
    }
}

} // namespace

std::uint16_t install_wsman(Simulator& simulator, std::optional<std::uint16_t> lms_port) {
    auto* face = new WsmanFace(simulator);
    // A TLS-enforced device without usable files answers nothing on 16993 (channels refused,
    // LMS connections closed); with-sim.sh's check reports the cause before COMMAND runs.
    // Without files the TLS server serves only a certificate configured in AMT.
    try {
        face->tls = std::make_unique<TlsServer>(face->service, simulator.config().tls_dir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "amtcfg simulator: no TLS: %s\n", e.what());
        face->tls = std::make_unique<TlsServer>(face->service, std::string());
    }
    face->service.set_tls(face->tls.get());
    simulator.add_client(
        {"lme", k_lme_client_guid, [face](Simulator& sim, std::shared_ptr<HostLink> link) {
             return std::unique_ptr<Endpoint>(
                 std::make_unique<LmeEndpoint>(face->service, sim.device(), std::move(link)));
         }});
    std::uint16_t port = 0;
    if (simulator.config().lms && lms_port) {
        face->lms = std::make_unique<LmsListener>(face->service);
        port = face->lms->start(*lms_port);
    }
    simulator.on_finish([face, &simulator] {
        std::uint64_t connections = 0;
        if (face->lms) {
            face->lms->stop();
            connections = face->lms->connections();
        }
        add_stats(simulator.stats(), face->service.stats(), connections);
    });
    return port;
}

} // namespace amtcfg::sim
