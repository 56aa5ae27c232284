// Reading control mode, provisioning state, UUID and the TLS-enforced bit over the ME.
#include "device_state.hpp"

#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <charconv>

namespace amtcfg::flows {

namespace {

// AMT <= 11 does not answer IsChangeToAMTEnabled (mei-heci.md section 5): skip it there.
constexpr int k_first_watchdog_version = 12;
constexpr int k_watchdog_timeout_ms = 2000;

int major_of(const std::string& version) {
    int major = 0;
    std::from_chars(version.data(), version.data() + version.size(), major);
    return major;
}

} // namespace

DeviceState read_device_state(Environment& env, amthi::Client& amthi) {
    DeviceState state;
    state.provisioning_state = amthi.get_provisioning_state();
    state.control_mode = amthi.get_control_mode();
    state.uuid = amthi::format_uuid(amthi.get_uuid());
    state.amt_major = major_of(amthi.get_code_versions().find("AMT").value_or("0"));
    if (state.amt_major >= k_first_watchdog_version) {
        amthi::WatchdogClient watchdog(env.device, env.deadline, k_watchdog_timeout_ms);
        auto flags = watchdog.is_change_to_amt_enabled();
        state.tls_enforced = flags && flags->tls_enforced();
        if (flags) {
            state.amt_enabled = flags->amt_enabled();
            state.amt_change_allowed = flags->transition_allowed();
        }
    }
    env.log.debug("device {}: control mode {}, AMT {}", state.uuid,
                  amthi::control_mode_name(state.control_mode), state.amt_major);
    return state;
}

void require_ws_man_ready(const DeviceState& state) {
    if (state.provisioning_state == amthi::ProvisioningState::in) {
        throw Error(ErrorCategory::wrong_state,
                    "AMT is stuck in the middle of provisioning (provisioning state \"in\"): run "
                    "`amtcfg unconfigure` to return it to pre-provisioning, then try again");
    }
    if (state.amt_enabled == false) {
        throw Error(ErrorCategory::amt_unavailable,
                    "AMT is disabled on this device (its operational state is off), so it serves "
                    "no WS-Man: `amtcfg configure` enables it when the ME allows, or enable Intel "
                    "AMT in the MEBx");
    }
}

std::shared_ptr<http::TlsContext>
secure_provisioned(Environment& env, const DeviceState& state,
                   const std::optional<std::string>& escrow,
                   std::shared_ptr<const http::AmtTrust> profile_trust) {
    if (!state.tls_enforced && !tls_expected(env, state.uuid, escrow)) {
        return nullptr;
    }
    return speak_tls(env, provisioned_trust(env, state.uuid, escrow, std::move(profile_trust)));
}

} // namespace amtcfg::flows
