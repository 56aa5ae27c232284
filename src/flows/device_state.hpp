// What configure, maintain and unconfigure need to know about the device before they act.
#pragma once

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/flows/configure.hpp"
#include "amtcfg/flows/environment.hpp"

#include <memory>
#include <optional>
#include <string>

namespace amtcfg::flows {

struct DeviceState {
    amthi::ControlMode control_mode = amthi::ControlMode::pre_provisioning;
    amthi::ProvisioningState provisioning_state = amthi::ProvisioningState::pre;
    std::string uuid;
    int amt_major = 0;
    bool tls_enforced = false;
    // The watchdog client's operational state (AMT 12+ with the new interface; else unknown)
    // and whether the ME lets the OS change it (IsChangeToAMTEnabled bits 1, 0).
    std::optional<bool> amt_enabled;
    bool amt_change_allowed = false;
};

// Reads the state over AMTHI (and the watchdog client on AMT 12+, which answers it).
DeviceState read_device_state(Environment& env, amthi::Client& amthi);

// Throws Error(wrong_state) for a device stuck in provisioning state "in", and
// Error(amt_unavailable) for a soft-disabled AMT (no WS-Man until it is enabled).
void require_ws_man_ready(const DeviceState& state);

// A provisioned device that enforces TLS, or whose local ports take only TLS (tls_expected):
// switches WS-Man to TLS, verifying AMT's certificate with provisioned_trust (`escrow`: the file
// that may hold the pin). Null for other devices.
// `profile_trust`: the CA of the profile's <tls> issuer, when there is one.
std::shared_ptr<http::TlsContext>
secure_provisioned(Environment& env, const DeviceState& state,
                   const std::optional<std::string>& escrow,
                   std::shared_ptr<const http::AmtTrust> profile_trust = nullptr);

// A soft-disabled AMT (amt_enabled false): enables it with SetAmtOperationalState when the ME
// allows (unprovisioned, transition allowed) and confirms it; else Error(amt_unavailable)
// naming the MEBx setting. In a dry run it only plans the change and returns false (the rest of
// the plan needs WS-Man, which a disabled AMT does not serve); true once AMT is on.
bool enable_amt(Environment& env, const DeviceState& device, RunMode mode, ConfigureResult& result);

} // namespace amtcfg::flows
