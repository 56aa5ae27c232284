// unconfigure: return AMT to pre-provisioning (AMTHI in CCM without a password, WS-Man in ACM).
#pragma once

#include "amtcfg/flows/environment.hpp"

#include <optional>
#include <string>

namespace amtcfg::flows {

enum class UnprovisionScope { full, partial };

struct UnconfigureOptions {
    std::optional<SecretSource> admin_password; // needed in ACM; in CCM it selects WS-Man
    UnprovisionScope scope = UnprovisionScope::full;
};

struct UnconfigureResult {
    std::string control_mode_before; // "ccm" / "acm" / "pre-provisioning" (stuck "in")
    std::string method;              // "amthi" or "wsman"
    std::string control_mode;        // after, as AMTHI reports it
    std::string provisioning_state;  // after
};

// Throws Error: wrong_state (14) on a pre-provisioned device, auth_failed (21) when ACM needs
// the admin password, unconfigure_failed (33) with what AMT returned.
UnconfigureResult unconfigure(Environment& env, const UnconfigureOptions& options);

} // namespace amtcfg::flows
