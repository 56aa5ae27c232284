// The steps that converge an activated AMT to a profile: read, compare, change what differs.
#pragma once

#include "amtcfg/flows/configure.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/wsman/client.hpp"
#include "amtcfg/wsman/power.hpp"
#include "amtcfg/wsman/setup.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::flows {

// Writes generated passwords to the --escrow file before they are set (pending) and what became
// of them once amtcfg has proved it (set or failed), and notes in the result that it did.
class PasswordEscrow {
public:
    // `contents` is what the file held when the run began (empty without --escrow).
    PasswordEscrow(Environment& env, std::optional<profile::Escrow> escrow,
                   profile::EscrowContents contents, std::string uuid, ConfigureResult& result)
        : m_env(env), m_escrow(std::move(escrow)), m_contents(std::move(contents)),
          m_uuid(std::move(uuid)), m_result(result) {}
    bool enabled() const { return m_escrow.has_value(); }
    // Returns only once the value is on disk, pending; returns its id. `secret` names it
    // ("admin-password"). Throws Error(usage) without --escrow.
    std::string record(std::string_view secret, const Secret& value);
    // A pending record without a value, for a secret that has a source of its own, so that the
    // outcome can be recorded; returns its id ("" without --escrow).
    std::string record_attempt(std::string_view secret);
    // Records a value that is already in effect, not a secret to set (the pin of AMT's TLS
    // certificate): its record and a `set` outcome at once. Nothing without --escrow.
    void record_in_effect(std::string_view name, const Secret& value);
    // Records the outcome of the pending record `id`; nothing when `id` is empty.
    void outcome(std::string_view secret, std::string_view id, profile::EscrowStatus status);
    // Every value of this device's `secret` in the file as the run began, oldest first.
    std::vector<profile::EscrowedValue> values_of(std::string_view secret) const {
        return m_contents.values_of(m_uuid, secret);
    }
    // Marks `secret`'s values still pending as failed; for when the device proves that none of
    // them was set (AMT is not activated, so no admin password took).
    void settle_as_failed(std::string_view secret);

private:
    profile::EscrowRecord about(std::string_view secret) const;

    Environment& m_env;
    std::optional<profile::Escrow> m_escrow;
    profile::EscrowContents m_contents;
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
    // This run activates AMT: in a dry run the session is still the local system account, and
    // what only admin may read (the user ACL) is the factory state.
    bool activating = false;
};

// Collects what differs for one step and reports it in the result.
class StepPlan {
public:
    StepPlan(StepContext& context, std::string step)
        : m_context(context), m_step(std::move(step)) {}

    void compare(std::string_view setting, const std::string& current, const std::string& wanted) {
        if (current != wanted) {
            m_context.result.plan.push_back({m_step, std::string(setting), current, wanted});
            m_differs = true;
        }
    }
    // Applies the change unless this is a dry run, then records the step as changed or not.
    void finish(const std::function<void()>& apply) {
        if (!m_differs) {
            m_context.result.unchanged.push_back(m_step);
            return;
        }
        if (m_context.mode == RunMode::apply) {
            apply();
        }
        m_context.result.changed.push_back(m_step);
    }

private:
    StepContext& m_context;
    std::string m_step;
    bool m_differs = false;
};

// The profile policy a power package stands for, by its descriptive string (man
// amtcfg-profile(5)): nullopt for a package that is neither s0-only nor always-on.
std::optional<profile::PowerPolicy> power_policy_of(const wsman::PowerScheme& scheme);
// The package's descriptive string (Description, else ElementName), for messages and output.
std::string power_package_name(const wsman::PowerScheme& scheme);

// The steps that live in their own files.
void run_user_steps(StepContext& context, const profile::Profile& profile);
void run_power_policy_step(StepContext& context, profile::PowerPolicy policy);

// Runs every step the profile asks for, in a safe order. A step that fails throws
// Error(config_step_failed) naming the step, what AMT returned, and what was and was not applied.
void apply_profile(StepContext& context, const profile::Profile& profile);

// Throws when `result` is not SUCCESS; `call` names the method ("AMT_RedirectionService.
// RequestStateChange").
void require_success(const wsman::MethodResult& result, std::string_view call);

} // namespace amtcfg::flows
