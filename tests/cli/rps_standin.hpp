// The RPS stand-in (tests/rps/rps_standin.py) as a CLI test's provisioning server: started on a
// free loopback port for one test, killed after it.
#pragma once

#include "background.hpp"
#include "support.hpp"

#include <memory>
#include <string>
#include <vector>

namespace amtcfg::test {

struct StandinOptions {
    std::string scenario = "normal";
    bool tls = false;               // wss with tests/certs/make-rps-tls.sh's server certificate
    std::string certificate_prefix; // "rps-server" (default for tls), "rps-untrusted", ...
    std::string profiles_json;      // empty: a CCM profile "office" and an ACM profile "acm"
    std::string ondie_root;         // AMT 19's On-Die CA root, for the TLS tunnel
};

class RpsStandin {
public:
    explicit RpsStandin(StandinOptions options = {});

    // ws://127.0.0.1:PORT/activate (wss:// with tls).
    std::string url() const;
    // The stand-in's record: one JSON object per event.
    std::vector<nlohmann::json> records() const;
    // The records of one kind ("wsman", "payload", "result", ...).
    std::vector<nlohmann::json> records(const std::string& event) const;
    // Waits (inotify, bounded) until the stand-in has recorded an `event`; returns its records.
    std::vector<nlohmann::json> wait_for(const std::string& event) const;
    // The stand-in's Vault file.
    nlohmann::json vault() const;

    static constexpr const char* k_admin_password = "Rps!Adm1n-Passw0rd";

private:
    TempDir m_dir;
    bool m_tls = false;
    int m_port = 0;
    std::unique_ptr<Background> m_process;
};

// The stand-in's wss certificates (tests/certs/make-rps-tls.sh), made once per test run.
const std::string& rps_certs();

} // namespace amtcfg::test
