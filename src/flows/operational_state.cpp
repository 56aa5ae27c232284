// Soft-disabled AMT (mei-heci.md section 5): enabling it through the watchdog client before
// configure needs WS-Man, or saying what to change in the MEBx.
#include "device_state.hpp"

#include "amtcfg/util/amt_status.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

namespace amtcfg::flows {

namespace {

constexpr int k_watchdog_timeout_ms = 2000;

// What a technician changes when the ME does not let the OS turn AMT on.
constexpr std::string_view k_mebx_hint =
    "enable Intel AMT in the MEBx (Ctrl-P at boot: Intel(R) AMT Configuration > Manageability "
    "Feature Selection > Enabled; on some platforms the BIOS setup's Intel AMT switch), then "
    "run configure again";

[[noreturn]] void refuse(std::string_view why) {
    throw Error(ErrorCategory::amt_unavailable,
                fmt::format("AMT is disabled on this device (its operational state is off) and {}: "
                            "{}",
                            why, k_mebx_hint));
}

} // namespace

bool enable_amt(Environment& env, const DeviceState& device, RunMode mode,
                ConfigureResult& result) {
    if (device.provisioning_state != amthi::ProvisioningState::pre) {
        refuse("the ME lets the operating system enable it only while AMT is unprovisioned");
    }
    if (!device.amt_change_allowed) {
        refuse(
            "the ME does not allow turning it on from the operating system (IsChangeToAMTEnabled "
            "reports no transition allowed)");
    }
    result.plan.push_back({"operational-state", "AMT", "disabled", "enabled"});
    result.changed.push_back("operational-state");
    if (mode == RunMode::dry_run) {
        result.notes.emplace_back(
            "AMT is disabled: amtcfg would enable it (SetAmtOperationalState) and then activate "
            "it; the rest of the plan needs WS-Man, which AMT serves only once it is enabled");
        return false;
    }
    if (env.progress) {
        env.progress("enabling AMT (it is soft-disabled)");
    }
    amthi::WatchdogClient watchdog(env.device, env.deadline, k_watchdog_timeout_ms);
    std::uint32_t status = watchdog.set_amt_operational_state(amthi::OperationalState::enabled);
    if (status != 0) {
        refuse(fmt::format("the ME refused to enable it (SetAmtOperationalState returned 0x{:X} "
                           "{})",
                           status, amt_status_name(status)));
    }
    auto flags = watchdog.is_change_to_amt_enabled();
    if (!flags || flags->amt_enabled() != true) {
        refuse("it still reports itself disabled after SetAmtOperationalState returned success");
    }
    env.log.info("AMT enabled: SetAmtOperationalState(1) returned 0 and the ME reports it on");
    return true;
}

} // namespace amtcfg::flows
