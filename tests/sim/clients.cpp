// The ME clients the fake device offers, by GUID (mei-heci.md section 4), and their endpoints.
#include "amthi_responder.hpp"
#include "me_clients.hpp"
#include "simulator.hpp"

namespace amtcfg::sim {

namespace {

// clang-format off
constexpr std::array<std::uint8_t, 16> k_amthi_guid{0x28, 0x00, 0xf8, 0x12, 0xb7, 0xb4, 0x2d, 0x4b,
                                                    0xac, 0xa8, 0x46, 0xe0, 0xff, 0x65, 0x81, 0x4c};
constexpr std::array<std::uint8_t, 16> k_lme_guid{0xdb, 0xa4, 0x33, 0x67, 0x76, 0x04, 0x7b, 0x4e,
                                                  0xb3, 0xaf, 0xbc, 0xfc, 0x29, 0xbe, 0xe7, 0xa7};
constexpr std::array<std::uint8_t, 16> k_watchdog_guid{0x6f, 0x9a, 0xb7, 0x05, 0x28, 0x46, 0x7f, 0x4d,
                                                       0x89, 0x9d, 0xa9, 0x15, 0x14, 0xcb, 0x32, 0xab};
constexpr std::array<std::uint8_t, 16> k_mkhi_guid{0x15, 0x67, 0x6a, 0x8e, 0xbc, 0x9a, 0x43, 0x40,
                                                   0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f};
// clang-format on

class AmthiEndpoint : public Endpoint {
public:
    AmthiEndpoint(Simulator& sim, std::shared_ptr<HostLink> link)
        : m_responder(sim.device(), sim.faults(), sim.config().tls_dir), m_link(std::move(link)) {}
    void receive(ByteView message) override {
        if (auto reply = m_responder.respond(message))
            m_link->send(std::move(*reply));
    }

private:
    AmthiResponder m_responder;
    std::shared_ptr<HostLink> m_link;
};

class MkhiEndpoint : public Endpoint {
public:
    MkhiEndpoint(Simulator& sim, std::shared_ptr<HostLink> link)
        : m_device(sim.device()), m_link(std::move(link)) {}
    void receive(ByteView message) override {
        m_link->send(m_device.read([&](const DeviceState& d) { return mkhi_respond(d, message); }));
    }

private:
    DeviceModel& m_device;
    std::shared_ptr<HostLink> m_link;
};

class WatchdogEndpoint : public Endpoint {
public:
    WatchdogEndpoint(Simulator& sim, std::shared_ptr<HostLink> link)
        : m_device(sim.device()), m_link(std::move(link)) {}
    void receive(ByteView message) override {
        if (auto reply = watchdog_respond(m_device, message))
            m_link->send(std::move(*reply));
    }

private:
    DeviceModel& m_device;
    std::shared_ptr<HostLink> m_link;
};

// Until the APF side lands (tests/sim/apf), LME accepts connections and never answers.
class SilentEndpoint : public Endpoint {
public:
    void receive(ByteView) override {}
};

template <class E> EndpointFactory factory() {
    return [](Simulator& sim, std::shared_ptr<HostLink> link) -> std::unique_ptr<Endpoint> {
        return std::make_unique<E>(sim, std::move(link));
    };
}

} // namespace

void register_me_clients(Simulator& simulator) {
    simulator.add_client({"amthi", k_amthi_guid, factory<AmthiEndpoint>()});
    simulator.add_client({"mkhi", k_mkhi_guid, factory<MkhiEndpoint>()});
    simulator.add_client({"watchdog", k_watchdog_guid, factory<WatchdogEndpoint>()});
    simulator.add_client(
        {"lme", k_lme_guid, [](Simulator&, std::shared_ptr<HostLink>) -> std::unique_ptr<Endpoint> {
             return std::make_unique<SilentEndpoint>();
         }});
}

} // namespace amtcfg::sim
