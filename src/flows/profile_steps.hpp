// The steps that converge an activated AMT to a profile: read, compare, change what differs.
#pragma once

#include "amtcfg/flows/configure.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/wsman/client.hpp"
#include "amtcfg/wsman/setup.hpp"

#include <optional>

namespace amtcfg::flows {

// Writes generated passwords to the --escrow file before they are set, and notes in the result
// that it did.
class PasswordEscrow {
public:
    PasswordEscrow(Environment& env, std::optional<profile::Escrow> escrow, std::string uuid,
                   ConfigureResult& result)
        : m_env(env), m_escrow(std::move(escrow)), m_uuid(std::move(uuid)), m_result(result) {}
    // Returns only once the value is on disk. `secret` names it ("admin-password").
    void record(std::string_view secret, const Secret& value);

private:
    Environment& m_env;
    std::optional<profile::Escrow> m_escrow;
    std::string m_uuid;
    ConfigureResult& m_result;
};

struct StepContext {
    wsman::Client& wsman;
    OsInfo& os;
    Log& log;
    RunMode mode;
    PasswordEscrow& escrow;
    bool acm; // control mode the steps run in (after activation)
    ConfigureResult& result;
    // AMT_GeneralSettings as read during activation, so the general step need not read it again.
    std::optional<wsman::GeneralSettings> general;
};

// Runs every step the profile asks for, in a safe order. A step that fails throws
// Error(config_step_failed) naming the step, what AMT returned, and what was and was not applied.
void apply_profile(StepContext& context, const profile::Profile& profile);

// Throws when `result` is not SUCCESS; `call` names the method ("AMT_RedirectionService.
// RequestStateChange").
void require_success(const wsman::MethodResult& result, std::string_view call);

} // namespace amtcfg::flows
