// The individual maintenance checks; each reports whether it was due and whether it was done.
#pragma once

#include "device_state.hpp"
#include "wsman_session.hpp"

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/flows/maintain.hpp"
#include "amtcfg/wsman/setup.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace amtcfg::flows {

struct MaintainContext {
    Environment& env;
    std::unique_ptr<WsmanSession> session;
    const MaintainOptions& options;
    const DeviceState& device;
    std::optional<wsman::GeneralSettings> general; // read once, shared by the checks
    std::size_t calls_before = 0;                  // calls of sessions already replaced

    std::size_t calls() const { return calls_before + session->calls(); }
    wsman::Client& wsman() { return session->client(); }
    const wsman::GeneralSettings& general_settings();
};

// Runs one check; an Error in it (other than a rejected password or the deadline, which stop
// everything) marks it due and not done, with the message as its detail.
MaintenanceCheck run_check(std::string_view name, const std::function<MaintenanceCheck()>& check);

MaintenanceCheck check_clock(MaintainContext& context);
MaintenanceCheck check_hostname(MaintainContext& context);
MaintenanceCheck check_ip(MaintainContext& context, amthi::Client& amthi);
MaintenanceCheck rotate_password(MaintainContext& context);

} // namespace amtcfg::flows
