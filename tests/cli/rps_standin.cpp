// Starting and reading the RPS stand-in for the remote-configuration tests.
#include "rps_standin.hpp"

#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace amtcfg::test {
namespace {

std::string default_profiles() {
    const std::string& certs = test_certs();
    return std::string(R"({"profiles": {
      "office": {"activation": "ccm", "admin_password": ")") +
           RpsStandin::k_admin_password + R"(",
                 "redirection": {"kvm": true, "sol": true, "ider": false, "user_consent": "all"}},
      "acm": {"activation": "acm", "admin_password": ")" +
           RpsStandin::k_admin_password + R"(", "mebx_password": "Mebx!Passw0rd1",
              "domain_suffix": "example.com", "provisioning_cert": ")" +
           certs + R"(/good.pfx", "provisioning_cert_password": "test-pfx-pw"}}})";
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

} // namespace

const std::string& rps_certs() {
    static const std::string dir = [] {
        static TempDir certs;
        auto made = run({"/bin/bash", source_path("tests/certs/make-rps-tls.sh"), certs.path()});
        REQUIRE(made.status == 0);
        return certs.path();
    }();
    return dir;
}

RpsStandin::RpsStandin(StandinOptions options) : m_tls(options.tls) {
    std::string profiles = m_dir.file("profiles.json");
    {
        std::ofstream out(profiles);
        out << (options.profiles_json.empty() ? default_profiles() : options.profiles_json);
    }
    std::vector<std::string> argv{"/usr/bin/python3", source_path("tests/rps/rps_standin.py"),
                                  "--port-file",      m_dir.file("port"),
                                  "--profiles",       profiles,
                                  "--state",          m_dir.file("vault.json"),
                                  "--record",         m_dir.file("record.jsonl"),
                                  "--scenario",       options.scenario};
    if (!options.ondie_root.empty()) {
        argv.insert(argv.end(), {"--ondie-root", options.ondie_root});
    }
    if (options.tls) {
        std::string prefix =
            options.certificate_prefix.empty() ? "rps-server" : options.certificate_prefix;
        argv.insert(argv.end(), {"--tls-cert", rps_certs() + "/" + prefix + ".pem", "--tls-key",
                                 rps_certs() + "/" + prefix + ".key"});
    }
    m_process = std::make_unique<Background>(argv);
    std::string port_file = m_dir.file("port");
    bool ready = m_process->wait_until(
        m_dir.path(), [&] { return exists(port_file); }, std::chrono::seconds(30));
    INFO(m_process->err());
    REQUIRE(ready);
    m_port = std::stoi(file_content(port_file));
}

std::string RpsStandin::url() const {
    return (m_tls ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(m_port) + "/activate";
}

std::vector<nlohmann::json> RpsStandin::records() const {
    std::vector<nlohmann::json> out;
    std::istringstream lines(exists(m_dir.file("record.jsonl"))
                                 ? file_content(m_dir.file("record.jsonl"))
                                 : std::string());
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            out.push_back(nlohmann::json::parse(line));
        }
    }
    return out;
}

std::vector<nlohmann::json> RpsStandin::records(const std::string& event) const {
    std::vector<nlohmann::json> out;
    for (auto& record : records()) {
        if (record.value("event", "") == event) {
            out.push_back(std::move(record));
        }
    }
    return out;
}

std::vector<nlohmann::json> RpsStandin::wait_for(const std::string& event) const {
    m_process->wait_until(
        m_dir.path(), [&] { return !records(event).empty(); }, std::chrono::seconds(20));
    return records(event);
}

nlohmann::json RpsStandin::vault() const {
    std::string path = m_dir.file("vault.json");
    return exists(path) ? nlohmann::json::parse(file_content(path)) : nlohmann::json::object();
}

} // namespace amtcfg::test
