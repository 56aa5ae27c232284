// configure: activate AMT host-based (CCM or ACM) and converge it to a profile, idempotently.
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/profile/profile.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::flows {

enum class RunMode { apply, dry_run };

struct ConfigureOptions {
    RunMode mode = RunMode::apply;
    // --password: the current admin password of an already activated device. Without it the
    // profile's admin-password source is tried (unless it is "random").
    std::optional<SecretSource> admin_password;
    // --escrow FILE: where generated passwords are written before they are set.
    std::optional<std::string> escrow_path;
};

// One setting that differs between the device and the profile.
struct SettingChange {
    std::string step;    // "general"
    std::string setting; // "HostName"
    std::string current;
    std::string wanted;
};

// AMT's TLS certificate as amtcfg verified it over TLS after <tls> (configure's "tls").
struct TlsOutcome {
    bool verified = false; // AMT serves the issued certificate, verified to the issuer's CA
    std::string subject;
    std::string issuer;
    std::string not_after; // "2027-12-06 10:00:00 UTC"
};

struct ConfigureResult {
    std::string control_mode; // after the run: "ccm" or "acm" ("pre-provisioning" in a dry run)
    std::vector<std::string> changed;   // steps that changed the device (or would, in a dry run)
    std::vector<std::string> unchanged; // steps where the device already matched
    std::vector<SettingChange> plan;    // every setting that differed
    std::vector<std::string> notes;     // things a person should know (e.g. CCM forces consent)
    std::optional<std::string> escrow;  // the escrow file, when a password was generated
    std::optional<TlsOutcome> tls;      // after <tls>
    std::size_t wsman_calls = 0;
};

// Throws Error: wrong_state (14) when the device is activated in another mode than asked,
// auth_failed (21) when the admin password is needed and unknown or wrong, activation_failed
// (30), acm_prerequisites (31), config_step_failed (32) naming the step, what AMT returned and
// the state the device is left in.
ConfigureResult configure(Environment& env, const profile::Profile& profile,
                          const ConfigureOptions& options);

} // namespace amtcfg::flows
