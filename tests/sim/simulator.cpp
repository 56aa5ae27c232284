// The simulator object: configuration from the environment, lazy device loading, counters.
#include "simulator.hpp"

#include "tls_files.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>

namespace amtcfg::sim {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? "" : value;
}

int milliseconds(const char* name) {
    std::string text = env(name);
    if (text.empty())
        return 0;
    try {
        std::size_t used = 0;
        int value = std::stoi(text, &used);
        if (used == text.size() && value >= 0)
            return value;
    } catch (const std::logic_error&) {
    }
    throw std::invalid_argument(std::string(name) + "='" + text +
                                "' is not a number of milliseconds");
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

SimConfig SimConfig::from_environment() {
    SimConfig config;
    config.device_file = env("AMTCFG_SIM_DEVICE_FILE");
    config.state_file = env("AMTCFG_SIM_STATE_FILE");
    config.lms = env("AMTCFG_SIM_LMS") == "1";
    config.faults = FaultList::parse(env("AMTCFG_SIM_FAULTS"));
    config.latency_mei_ms = milliseconds("AMTCFG_SIM_LATENCY_MEI");
    config.latency_wsman_ms = milliseconds("AMTCFG_SIM_LATENCY_WSMAN");
    config.stats_file = env("AMTCFG_SIM_STATS");
    config.tls_dir = env("AMTCFG_SIM_TLS_DIR");
    return config;
}

void Stats::add(const std::string& name, std::uint64_t count) {
    std::lock_guard lock(m_mutex);
    m_counters[name] += count;
}

std::uint64_t Stats::get(const std::string& name) const {
    std::lock_guard lock(m_mutex);
    auto it = m_counters.find(name);
    return it == m_counters.end() ? 0 : it->second;
}

nlohmann::json Stats::to_json() const {
    std::lock_guard lock(m_mutex);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, count] : m_counters) {
        nlohmann::json* node = &out;
        std::size_t start = 0;
        for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
            node = &(*node)[name.substr(start, dot - start)];
            start = dot + 1;
        }
        (*node)[name.substr(start)] = count;
    }
    return out;
}

Simulator::Simulator(SimConfig config) : m_config(std::move(config)) {}

DeviceModel& Simulator::device() {
    std::lock_guard lock(m_load_mutex);
    if (!m_device) {
        DeviceState state = default_device();
        if (!m_config.state_file.empty() && file_exists(m_config.state_file)) {
            state = read_device_file(m_config.state_file);
        } else if (!m_config.device_file.empty()) {
            state = read_device_file(m_config.device_file);
        }
        m_device = std::make_unique<DeviceModel>(std::move(state));
        save_on_change();
    }
    return *m_device;
}

std::optional<std::string> Simulator::configuration_problem() {
    if (!device().read([](const DeviceState& d) { return d.tls_enforced; })) {
        return std::nullopt;
    }
    if (m_config.tls_dir.empty()) {
        return "the device is TLS-enforced (tls_enforced) but AMTCFG_SIM_TLS_DIR is not set; "
               "make its files with tests/certs/make-sim-tls.sh DIR (scripts/with-sim.sh does)";
    }
    if (auto problem = tls_dir_problem(m_config.tls_dir)) {
        return "AMTCFG_SIM_TLS_DIR: " + *problem + " (make it with tests/certs/make-sim-tls.sh)";
    }
    return std::nullopt;
}

// Each change is saved as it happens (a device that differs from the last saved one), so the
// state file holds what AMT would hold even when amtcfg is killed mid-run.
void Simulator::save_on_change() {
    if (m_config.state_file.empty()) {
        return;
    }
    auto saved = std::make_shared<std::string>(
        m_device->read([](const DeviceState& d) { return save_device(d).dump(); }));
    m_device->on_change([path = m_config.state_file, saved](const DeviceState& d) {
        std::string now = save_device(d).dump();
        if (now == *saved) {
            return;
        }
        try {
            write_device_file(path, d);
            *saved = std::move(now);
        } catch (const std::exception& e) { // finish() tries again at exit
            std::fprintf(stderr, "amtcfg simulator: %s\n", e.what());
        }
    });
}

// A second entry with the same name replaces the first (the APF side replaces the silent LME).
void Simulator::add_client(ClientEntry entry) {
    for (auto& client : m_clients) {
        if (client.name == entry.name) {
            client = std::move(entry);
            return;
        }
    }
    m_clients.push_back(std::move(entry));
}

const ClientEntry* Simulator::find_client(const std::array<std::uint8_t, 16>& guid_le) const {
    for (const auto& client : m_clients) {
        if (client.guid_le == guid_le)
            return &client;
    }
    return nullptr;
}

MeClient Simulator::client_properties(const std::string& name) {
    return device().read([&](const DeviceState& d) {
        if (name == "amthi")
            return d.clients.amthi;
        if (name == "lme")
            return d.clients.lme;
        if (name == "watchdog")
            return d.clients.watchdog;
        if (name == "mkhi")
            return d.clients.mkhi;
        return MeClient{};
    });
}

void Simulator::finish() {
    for (auto& hook : m_finish_hooks) {
        hook();
    }
    m_finish_hooks.clear();
    bool loaded = false;
    {
        std::lock_guard lock(m_load_mutex);
        loaded = m_device != nullptr;
    }
    // Save only what this process changed, so a shell running several amtcfg invocations under
    // one with-sim.sh does not overwrite their state with its own stale copy.
    if (loaded && !m_config.state_file.empty() &&
        (m_device->changed() || !file_exists(m_config.state_file))) {
        write_device_file(m_config.state_file, m_device->snapshot());
    }
    auto counters = m_stats.to_json();
    if (!m_config.stats_file.empty() && !counters.empty()) {
        std::ofstream(m_config.stats_file) << counters.dump(2) << "\n";
    }
}

} // namespace amtcfg::sim
