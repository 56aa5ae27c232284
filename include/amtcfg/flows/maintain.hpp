// maintain: do only what is due on a configured AMT (clock, hostname, IP, password rotation).
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/profile/profile.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::flows {

struct MaintainOptions {
    SecretSource admin_password;
    const profile::Profile* profile = nullptr; // optional
    bool automatic = false;                    // --auto: every check the profile makes due
    bool sync_clock = false;                   // always set the clock
    bool sync_hostname = false;
    bool sync_ip = false;
    bool rotate_password = false; // rotate now, whatever the schedule
    std::optional<std::string> escrow_path;
};

inline constexpr std::chrono::seconds k_default_clock_drift_max{60};

struct MaintenanceCheck {
    std::string check; // "clock", "hostname", "ip", "password"
    bool due = false;
    bool done = false;
    std::string detail;
};

struct MaintainResult {
    std::vector<MaintenanceCheck> checks;
    std::size_t wsman_calls = 0;
    // The checks that were due and failed; exit 34 when not empty.
    std::vector<std::string> failed() const;
};

// Runs the selected checks; a failing check does not stop the independent ones after it.
// Throws only for what stops everything (no device, wrong password, not activated).
MaintainResult maintain(Environment& env, const MaintainOptions& options);

} // namespace amtcfg::flows
