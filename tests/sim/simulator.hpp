// The simulator as one object: configuration, the shared device, ME client registry, counters.
#pragma once

#include "device.hpp"
#include "endpoint.hpp"
#include "faults.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::sim {

// What scripts/with-sim.sh passes in the environment (AMTCFG_SIM_*).
struct SimConfig {
    std::string device_file;  // AMTCFG_SIM_DEVICE_FILE; "" = the default device
    std::string state_file;   // AMTCFG_SIM_STATE_FILE; "" = no persistence
    bool lms = false;         // AMTCFG_SIM_LMS=1
    FaultList faults;         // AMTCFG_SIM_FAULTS, one spec per line
    int latency_mei_ms = 0;   // AMTCFG_SIM_LATENCY_MEI
    int latency_wsman_ms = 0; // AMTCFG_SIM_LATENCY_WSMAN
    std::string stats_file;   // AMTCFG_SIM_STATS: counters written there as JSON at exit
    std::string tls_dir;      // AMTCFG_SIM_TLS_DIR: make-sim-tls.sh's files (TLS-enforced AMT)

    // Throws std::invalid_argument naming the variable on a bad value.
    static SimConfig from_environment();
};

// Counters for scripts/bench.sh, named "a.b.c" and written as nested JSON objects.
class Stats {
public:
    void add(const std::string& name, std::uint64_t count = 1);
    std::uint64_t get(const std::string& name) const;
    nlohmann::json to_json() const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::uint64_t> m_counters;
};

class Simulator;
using EndpointFactory =
    std::function<std::unique_ptr<Endpoint>(Simulator&, std::shared_ptr<HostLink>)>;

// One ME client the fake device offers: its uuid_le GUID (mei-heci.md 4), its name in device
// files and counters, and how to make an endpoint for a new connection.
struct ClientEntry {
    std::string name; // "amthi", "lme", "watchdog", "mkhi"
    std::array<std::uint8_t, 16> guid_le;
    EndpointFactory factory;
};

class Simulator {
public:
    explicit Simulator(SimConfig config);

    const SimConfig& config() const { return m_config; }
    const FaultList& faults() const { return m_config.faults; }
    Stats& stats() { return m_stats; }
    // The device: the state file if it exists, else the device file, else the default device.
    // Loaded on first use; throws std::runtime_error when a file is bad.
    DeviceModel& device();
    // Why this configuration cannot simulate its device (a TLS-enforced device without usable
    // AMTCFG_SIM_TLS_DIR files), or nothing; with-sim.sh's check reports it.
    std::optional<std::string> configuration_problem();

    void add_client(ClientEntry entry);
    const ClientEntry* find_client(const std::array<std::uint8_t, 16>& guid_le) const;
    // CONNECT properties of a client as the device file sets them.
    MeClient client_properties(const std::string& name);

    // Called once when the process ends: runs the hooks (e.g. stopping the LMS listener),
    // saves the state file (when the device changed here or the file does not exist yet;
    // changes are also saved as they happen) and writes the counters file.
    void on_finish(std::function<void()> hook) { m_finish_hooks.push_back(std::move(hook)); }
    void finish();

private:
    void save_on_change();

    SimConfig m_config;
    Stats m_stats;
    std::mutex m_load_mutex;
    std::unique_ptr<DeviceModel> m_device;
    std::vector<ClientEntry> m_clients;
    std::vector<std::function<void()>> m_finish_hooks;
};

// Registers AMTHI, MKHI, the watchdog client and LME (mei-heci.md section 4).
void register_me_clients(Simulator& simulator);

} // namespace amtcfg::sim
