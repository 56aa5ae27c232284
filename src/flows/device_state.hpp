// What configure, maintain and unconfigure need to know about the device before they act.
#pragma once

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/flows/environment.hpp"

#include <string>

namespace amtcfg::flows {

struct DeviceState {
    amthi::ControlMode control_mode = amthi::ControlMode::pre_provisioning;
    amthi::ProvisioningState provisioning_state = amthi::ProvisioningState::pre;
    std::string uuid;
    int amt_major = 0;
    bool tls_enforced = false;
};

// Reads the state over AMTHI (and the watchdog client on AMT 12+, which answers it).
DeviceState read_device_state(Environment& env, amthi::Client& amthi);

// Throws Error(wrong_state) for a device stuck in provisioning state "in", and
// Error(amt_unavailable) for a device that enforces TLS on its local ports, which this version
// cannot talk WS-Man to yet.
void require_ws_man_ready(const DeviceState& state);

} // namespace amtcfg::flows
