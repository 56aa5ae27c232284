// How an activated AMT is configured, read over WS-Man: what `info --password` shows.
#pragma once

#include "amtcfg/flows/environment.hpp"

#include <optional>
#include <string>

namespace amtcfg::flows {

struct Configuration {
    std::string hostname;
    std::string domain;
    bool ping_response = false;
    bool dhcp = false;
    bool ip_sync = false;
    std::string ip; // AMT's wired address; empty when AMT reports none (DHCP not yet, IP sync)
    bool sol = false;
    bool ider = false;
    std::optional<bool> kvm;           // nullopt: this SKU has no KVM
    std::string user_consent;          // "none", "kvm", "all"
    bool tls_enabled = false;          // on the remote (802.3) TLS settings
    long long clock_drift_seconds = 0; // AMT's clock minus the host's
    // The current power package's descriptive string, and the profile policy it stands for
    // ("s0-only", "always-on"); nullopt when none is current, the package is neither, or the
    // firmware has no power packages.
    std::optional<std::string> power_package;
    std::optional<std::string> power_policy;
    std::size_t wsman_calls = 0;
};

// Reads the configuration as `admin` with `password`. Throws Error(auth_failed) for a wrong
// password and Error(wrong_state) on a device that is not activated.
Configuration read_configuration(Environment& env, const Secret& password);

} // namespace amtcfg::flows
