// The power-policy step: pick the device's power package for the profile's policy and make it
// current (docs/notes/wsman-facts.md, "Power packages"; man/amtcfg-profile.5).
#include "profile_steps.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/power.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>

namespace amtcfg::flows {

namespace {

using profile::PowerPolicy;

// Whether `text` names the power state S<digit> ("S3", "s4-5"), not inside a longer word.
bool mentions_state(std::string_view text, char digit) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        bool starts_word = i == 0 || std::isalnum(static_cast<unsigned char>(text[i - 1])) == 0;
        if (starts_word && (text[i] == 'S' || text[i] == 's') && text[i + 1] == digit) {
            return true;
        }
    }
    return false;
}

std::string offered(const std::vector<wsman::PowerScheme>& schemes) {
    std::vector<std::string> names;
    for (const auto& scheme : schemes) {
        names.push_back(
            fmt::format("\"{}\" (InstanceID {})", power_package_name(scheme), scheme.instance_id));
    }
    return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

const wsman::PowerScheme& scheme_for(const std::vector<wsman::PowerScheme>& schemes,
                                     PowerPolicy policy) {
    std::vector<const wsman::PowerScheme*> matches;
    for (const auto& scheme : schemes) {
        if (power_policy_of(scheme) == policy) {
            matches.push_back(&scheme);
        }
    }
    if (matches.size() == 1) {
        return *matches.front();
    }
    std::string_view rule = policy == PowerPolicy::always_on
                                ? "one whose description covers S4-5"
                                : "one whose description names S0 and no sleep state";
    throw Error(ErrorCategory::config_step_failed,
                fmt::format("this AMT offers {} power package for power-policy \"{}\" ({}); it "
                            "offers: {}. Choose the other policy or remove <power-policy>",
                            matches.empty() ? "no" : "more than one", profile::to_string(policy),
                            rule, offered(schemes)));
}

std::string current_label(const std::vector<wsman::PowerScheme>& schemes,
                          const std::optional<std::string>& current) {
    if (!current) {
        return "(none)";
    }
    for (const auto& scheme : schemes) {
        if (scheme.instance_id == *current) {
            return power_package_name(scheme);
        }
    }
    return fmt::format("(unlisted scheme {})", *current);
}

} // namespace

// A package's descriptive string names the states in which the ME stays on ("Desktop: ON in S0,
// ME Wake in S3, S4-5"). always-on is the package that covers S4-5 (host off); s0-only the one
// that names S0 and no sleep state. A package that covers S3 but not S4-5 is neither.
std::optional<PowerPolicy> power_policy_of(const wsman::PowerScheme& scheme) {
    std::string text = scheme.element_name + " " + scheme.description;
    if (mentions_state(text, '4') || mentions_state(text, '5')) {
        return PowerPolicy::always_on;
    }
    if (mentions_state(text, '0') && !mentions_state(text, '3')) {
        return PowerPolicy::s0_only;
    }
    return std::nullopt;
}

std::string power_package_name(const wsman::PowerScheme& scheme) {
    return scheme.description.empty() ? scheme.element_name : scheme.description;
}

void run_power_policy_step(StepContext& c, PowerPolicy policy) {
    auto schemes = wsman::enumerate_power_schemes(c.wsman);
    const auto& wanted = scheme_for(schemes, policy);
    auto current = wsman::current_power_scheme(c.wsman);
    StepPlan plan(c, "power-policy");
    if (current != wanted.instance_id) {
        plan.compare("power package", current_label(schemes, current), power_package_name(wanted));
    }
    plan.finish([&] {
        require_success(wsman::set_power_scheme(c.wsman, wanted.instance_id),
                        "AMT_SystemPowerScheme.SetPowerScheme");
    });
}

} // namespace amtcfg::flows
