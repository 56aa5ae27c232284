// SimDevice and profile helpers for the configure, maintain and unconfigure CLI tests.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace amtcfg::test {

SimDevice::SimDevice(const std::string& device_json) {
    if (!device_json.empty()) {
        m_device_file = write("device.json", device_json);
    }
}

std::string SimDevice::write(const std::string& name, const std::string& content) const {
    std::string path = m_dir.file(name);
    std::ofstream(path) << content;
    return path;
}

namespace {

// Runs a certificate script into a directory that lives as long as the test process.
const std::string& made_by(const std::string& script, TempDir& dir, bool& made) {
    if (!made) {
        auto r = run({"bash", source_path(script), dir.path()});
        INFO(r.err);
        REQUIRE(r.status == 0);
        made = true;
    }
    return dir.path();
}

} // namespace

const std::string& test_certs() {
    static TempDir dir;
    static bool made = false;
    return made_by("tests/certs/make-test-certs.sh", dir, made);
}

const std::string& sim_tls_dir() {
    static TempDir dir;
    static bool made = false;
    return made_by("tests/certs/make-sim-tls.sh", dir, made);
}

Run SimDevice::amtcfg(const std::vector<std::string>& args,
                      const std::vector<std::string>& sim_options,
                      const std::map<std::string, std::string>& env) const {
    auto with_tls = env;
    with_tls.emplace("AMTCFG_SIM_TLS_DIR", sim_tls_dir());
    return run(command(args, sim_options), with_tls);
}

std::vector<std::string> SimDevice::command(const std::vector<std::string>& args,
                                            const std::vector<std::string>& sim_options) const {
    std::vector<std::string> argv{with_sim(), "--state", state_file()};
    if (!m_device_file.empty()) {
        argv.insert(argv.end(), {"--device-file", m_device_file});
    }
    argv.insert(argv.end(), sim_options.begin(), sim_options.end());
    argv.push_back("--");
    argv.push_back(amtcfg_binary());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

nlohmann::json SimDevice::info() const {
    auto r = amtcfg({"--json", "info"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return r.json();
}

std::pair<std::string, std::vector<std::string>> each_transport() {
    return GENERATE(std::pair<std::string, std::vector<std::string>>{"lme", {}},
                    std::pair<std::string, std::vector<std::string>>{"lms", {"--lms"}});
}

Path each_path() {
    auto [transport, sim] = each_transport();
    return {{"--transport", transport}, sim};
}

std::vector<std::string> over(const Path& path, std::vector<std::string> args) {
    args.insert(args.begin(), path.options.begin(), path.options.end());
    return args;
}

std::string ccm_profile(const std::string& password_source, const std::string& extra) {
    return "<?xml version=\"1.0\"?>\n<amtcfg-profile version=\"1\" name=\"test\">\n"
           "  <activation mode=\"ccm\">\n    <admin-password source=\"" +
           password_source + "\"/>\n  </activation>\n" + extra + "</amtcfg-profile>\n";
}

nlohmann::json check_named(const nlohmann::json& result, const std::string& name) {
    for (const auto& c : result["checks"]) {
        if (c["check"] == name) {
            return c;
        }
    }
    FAIL("no check " << name);
    return {};
}

std::vector<EscrowedValue> escrowed_values(const std::string& escrow_path,
                                           const std::string& secret) {
    std::ifstream in(escrow_path);
    std::vector<EscrowedValue> values;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        auto record = nlohmann::json::parse(line);
        if (record["secret"] != secret) {
            continue;
        }
        std::string status = record.value("status", "set");
        std::string id = record.value("id", "");
        if (status == "pending" || !record.contains("status")) {
            values.push_back({id, record["uuid"], record.value("value", ""), status,
                              status == "set" ? number : 0});
            continue;
        }
        for (auto& value : values) {
            if (value.id == id) {
                value.status = status;
                value.set_line = status == "set" ? number : 0;
            }
        }
    }
    return values;
}

std::string escrowed(const std::string& escrow_path, const std::string& secret) {
    std::string newest;
    for (const auto& value : escrowed_values(escrow_path, secret)) {
        if (!value.value.empty()) {
            newest = value.value;
        }
    }
    return newest;
}

std::string escrowed_set(const std::string& escrow_path, const std::string& secret) {
    const EscrowedValue* current = nullptr;
    auto values = escrowed_values(escrow_path, secret);
    for (const auto& value : values) {
        if (value.status == "set" && (current == nullptr || value.set_line > current->set_line)) {
            current = &value;
        }
    }
    return current == nullptr ? "" : current->value;
}

std::vector<std::string> escrow_statuses(const std::string& escrow_path,
                                         const std::string& secret) {
    std::vector<std::string> statuses;
    for (const auto& value : escrowed_values(escrow_path, secret)) {
        statuses.push_back(value.status);
    }
    return statuses;
}

} // namespace amtcfg::test
