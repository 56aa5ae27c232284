// unconfigure: return AMT to pre-provisioning (AMTHI in CCM without a password, WS-Man in ACM).
#pragma once

#include "amtcfg/flows/environment.hpp"

#include <optional>
#include <string>
#include <vector>

namespace amtcfg::flows {

enum class UnprovisionScope { full, partial };

struct UnconfigureOptions {
    std::optional<SecretSource> admin_password; // needed in ACM; in CCM it selects WS-Man
    UnprovisionScope scope = UnprovisionScope::full;
};

// amtcfg's TLS objects removed over WS-Man before Unprovision: the TLS credential context, the
// certificate it bound and that certificate's key pair (by InstanceID). Intel's reference says
// full unprovisioning erases the certificates anyway, so a failure is reported, not fatal.
struct TlsRemoval {
    bool credential_context = false;
    std::vector<std::string> certificates;
    std::vector<std::string> key_pairs;
    std::string error; // why the removal stopped; empty when everything there was is gone
};

struct UnconfigureResult {
    std::string control_mode_before; // "ccm" / "acm" / "pre-provisioning" (stuck "in")
    std::string method;              // "amthi" or "wsman"
    std::string control_mode;        // after, as AMTHI reports it
    std::string provisioning_state;  // after
    // Set when unconfigure ran over WS-Man (not over AMTHI, which has no WS-Man session).
    std::optional<TlsRemoval> tls;
};

// Throws Error: wrong_state (14) on a pre-provisioned device, auth_failed (21) when ACM needs
// the admin password, unconfigure_failed (33) with what AMT returned.
UnconfigureResult unconfigure(Environment& env, const UnconfigureOptions& options);

} // namespace amtcfg::flows
