// The profile steps: general settings, network, redirection, user consent and users.
#include "profile_steps.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/features.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace amtcfg::flows {

namespace {

using profile::Profile;

std::string yes_no(bool value) {
    return value ? "true" : "false";
}

void step_general(StepContext& c, const profile::General& general) {
    wsman::GeneralSettings current = c.general ? *c.general : wsman::get_general_settings(c.wsman);
    wsman::GeneralSettings wanted = current;
    if (general.hostname_sync.value_or(false)) {
        wanted.host_name = c.os.hostname();
        wanted.domain_name = c.os.domain();
    }
    if (general.ping_response) {
        wanted.ping_response_enabled = *general.ping_response;
    }
    StepPlan plan(c, "general");
    plan.compare("HostName", current.host_name, wanted.host_name);
    plan.compare("DomainName", current.domain_name, wanted.domain_name);
    plan.compare("PingResponseEnabled", yes_no(current.ping_response_enabled),
                 yes_no(wanted.ping_response_enabled));
    plan.finish([&] { c.general = wsman::put_general_settings(c.wsman, wanted); });
}

const wsman::EthernetPortSettings&
wired_port(const std::vector<wsman::EthernetPortSettings>& ports) {
    for (const auto& port : ports) {
        if (port.physical_connection_type == 0) {
            return port;
        }
    }
    throw Error(ErrorCategory::config_step_failed,
                "AMT reports no wired AMT_EthernetPortSettings instance to configure");
}

void step_network(StepContext& c, const profile::Network& network) {
    auto ports = wsman::enumerate_ethernet_port_settings(c.wsman);
    const auto& current = wired_port(ports);
    wsman::EthernetPortSettings wanted = current;
    bool dhcp = network.dhcp.value_or(current.dhcp_enabled);
    bool ip_sync = network.ip_sync.value_or(current.ip_sync_enabled);
    // reference/wsman.md section 9: DHCP is DHCP+sync; static with sync shares the host's IP.
    wanted.dhcp_enabled = dhcp;
    wanted.ip_sync_enabled = dhcp || ip_sync;
    wanted.shared_static_ip = !dhcp && ip_sync;
    if (!dhcp && ip_sync && !current.dhcp_enabled && current.shared_static_ip) {
        // The host's address as `maintain` keeps it: AMT takes address fields only with IP sync
        // off, so SharedStaticIp on with IP sync off is what ip-sync="true" asks for as well.
        wanted.ip_sync_enabled = current.ip_sync_enabled;
    }
    if (!dhcp && !ip_sync && current.ip_address.empty()) {
        throw Error(ErrorCategory::config_step_failed,
                    "network: dhcp=\"false\" with ip-sync=\"false\" needs a static address in AMT, "
                    "and the device has none; use ip-sync=\"true\" to share the host's address");
    }
    StepPlan plan(c, "network");
    plan.compare("DHCPEnabled", yes_no(current.dhcp_enabled), yes_no(wanted.dhcp_enabled));
    plan.compare("IpSyncEnabled", yes_no(current.ip_sync_enabled), yes_no(wanted.ip_sync_enabled));
    plan.compare("SharedStaticIp", yes_no(current.shared_static_ip),
                 yes_no(wanted.shared_static_ip));
    plan.finish([&] { wsman::put_ethernet_port_settings(c.wsman, wanted); });
}

void step_redirection(StepContext& c, const profile::Redirection& redirection) {
    auto service = wsman::get_redirection_service(c.wsman);
    auto state = static_cast<wsman::RedirectionState>(service.enabled_state);
    bool sol_now =
        state == wsman::RedirectionState::sol || state == wsman::RedirectionState::ider_and_sol;
    bool ider_now =
        state == wsman::RedirectionState::ider || state == wsman::RedirectionState::ider_and_sol;
    bool sol = redirection.sol.value_or(sol_now);
    bool ider = redirection.ider.value_or(ider_now);
    std::optional<wsman::KvmRedirectionSap> kvm_sap;
    if (redirection.kvm) {
        kvm_sap = wsman::get_kvm_redirection_sap(c.wsman);
    }
    bool kvm_now = kvm_sap && wsman::kvm_enabled(kvm_sap->enabled_state);
    bool kvm = redirection.kvm.value_or(kvm_now);
    bool listener = sol || ider || kvm;

    StepPlan plan(c, "redirection");
    plan.compare("SOL", yes_no(sol_now), yes_no(sol));
    plan.compare("IDER", yes_no(ider_now), yes_no(ider));
    if (kvm_sap) {
        plan.compare("KVM", yes_no(kvm_now), yes_no(kvm));
    }
    plan.compare("ListenerEnabled", yes_no(service.listener_enabled), yes_no(listener));
    plan.finish([&] {
        // Order of reference/wsman.md section 9: services first, then the listener.
        if (sol != sol_now || ider != ider_now) {
            auto wanted = static_cast<wsman::RedirectionState>(
                static_cast<std::uint32_t>(wsman::RedirectionState::none) + (ider ? 1U : 0U) +
                (sol ? 2U : 0U));
            require_success(wsman::request_redirection_state_change(c.wsman, wanted),
                            "AMT_RedirectionService.RequestStateChange");
        }
        if (kvm_sap && kvm != kvm_now) {
            require_success(
                wsman::request_kvm_state_change(c.wsman, kvm ? wsman::KvmState::enabled
                                                             : wsman::KvmState::disabled),
                "CIM_KVMRedirectionSAP.RequestStateChange");
        }
        if (listener != service.listener_enabled) {
            service.listener_enabled = listener;
            wsman::put_redirection_service(c.wsman, service);
        }
    });
}

std::uint32_t opt_in_value(profile::UserConsent consent) {
    switch (consent) {
    case profile::UserConsent::none:
        return wsman::k_opt_in_none;
    case profile::UserConsent::kvm:
        return wsman::k_opt_in_kvm;
    case profile::UserConsent::all:
        break;
    }
    return wsman::k_opt_in_all;
}

void step_user_consent(StepContext& c, profile::UserConsent consent) {
    std::uint32_t wanted = opt_in_value(consent);
    if (!c.acm && wanted == wsman::k_opt_in_all) {
        // CCM always requires consent for everything (wsman.md §6): nothing to read or change.
        c.result.unchanged.push_back("user-consent");
        return;
    }
    auto service = wsman::get_opt_in_service(c.wsman);
    if (!c.acm && wanted != service.opt_in_required) {
        // AMT requires user consent for redirection in client control mode (wsman.md §6).
        c.result.notes.push_back(fmt::format(
            "user-consent=\"{}\" is not possible in CCM, where AMT always requires user "
            "consent (it is {}); activate in ACM to change it",
            wsman::opt_in_name(wanted), wsman::opt_in_name(service.opt_in_required)));
        c.result.unchanged.push_back("user-consent");
        return;
    }
    StepPlan plan(c, "user-consent");
    plan.compare("OptInRequired", wsman::opt_in_name(service.opt_in_required),
                 wsman::opt_in_name(wanted));
    plan.finish([&] {
        if (!service.can_modify_opt_in_policy) {
            throw Error(ErrorCategory::config_step_failed,
                        "AMT does not allow the user consent policy to be changed "
                        "(IPS_OptInService.CanModifyOptInPolicy is false)");
        }
        service.opt_in_required = wanted;
        auto after = wsman::put_opt_in_service(c.wsman, service);
        if (after.opt_in_required != wanted) {
            throw Error(ErrorCategory::config_step_failed,
                        fmt::format("AMT kept OptInRequired at {} after the Put",
                                    wsman::opt_in_name(after.opt_in_required)));
        }
    });
}

} // namespace

profile::EscrowRecord PasswordEscrow::about(std::string_view secret) const {
    return {m_uuid, m_env.os.hostname(), std::string(secret)};
}

std::string PasswordEscrow::record(std::string_view secret, const Secret& value) {
    if (!m_escrow) {
        throw Error(ErrorCategory::usage,
                    fmt::format("a generated {} needs --escrow FILE: it is written there before "
                                "it is set in AMT",
                                secret));
    }
    auto id = m_escrow->record(about(secret), value);
    m_env.log.info("the generated {} is in the escrow file {}", secret, m_escrow->path());
    m_result.escrow = m_escrow->path();
    return id;
}

void PasswordEscrow::record_in_effect(std::string_view name, const Secret& value) {
    if (!m_escrow) {
        return;
    }
    auto record = about(name);
    auto id = m_escrow->record(record, value);
    m_escrow->record_outcome(record, id, profile::EscrowStatus::set);
}

std::string PasswordEscrow::record_attempt(std::string_view secret) {
    return m_escrow ? m_escrow->record_attempt(about(secret)) : std::string();
}

void PasswordEscrow::outcome(std::string_view secret, std::string_view id,
                             profile::EscrowStatus status) {
    if (m_escrow && !id.empty()) {
        m_escrow->record_outcome(about(secret), id, status);
    }
}

void PasswordEscrow::settle_as_failed(std::string_view secret) {
    if (!m_escrow) {
        return;
    }
    for (const auto& value : m_contents.unresolved(m_uuid, secret)) {
        m_escrow->record_outcome(about(secret), value.record->id, profile::EscrowStatus::failed);
        m_env.log.info("the {} escrowed at {} by a run that did not finish was never set (AMT "
                       "is not activated): recorded as failed",
                       secret, value.record->time);
    }
}

void require_success(const wsman::MethodResult& result, std::string_view call) {
    if (!result.ok()) {
        throw Error(ErrorCategory::config_step_failed,
                    fmt::format("{} returned {}", call, result.describe()));
    }
}

void apply_profile(StepContext& context, const Profile& profile) {
    struct Step {
        std::string name;
        std::function<void()> run;
    };
    std::vector<Step> steps;
    // Before activation AMT lets the local system account read AMT_GeneralSettings and the
    // setup service only (wsman.md section 7): a dry run that would activate cannot read what
    // these steps compare, so it says so rather than guess the current values.
    bool unreadable = context.activating && context.mode == RunMode::dry_run;
    auto add = [&](std::string name, std::function<void()> run) {
        if (!unreadable) {
            steps.push_back({std::move(name), std::move(run)});
            return;
        }
        context.result.notes.push_back(
            fmt::format("{}: AMT lets only its admin read these settings, so a dry run before "
                        "activation cannot compare them; configure applies them after activating",
                        name));
    };
    if (profile.general) {
        steps.push_back({"general", [&] { step_general(context, *profile.general); }});
    }
    if (profile.power_policy) {
        add("power-policy", [&] { run_power_policy_step(context, *profile.power_policy); });
    }
    if (profile.network) {
        add("network", [&] { step_network(context, *profile.network); });
    }
    if (profile.redirection) {
        add("redirection", [&] { step_redirection(context, *profile.redirection); });
        if (profile.redirection->user_consent) {
            add("user-consent",
                [&] { step_user_consent(context, *profile.redirection->user_consent); });
        }
    }
    if (!profile.users.empty()) {
        steps.push_back({"users", [&] { run_user_steps(context, profile); }});
    }
    std::vector<std::string> done;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        try {
            steps[i].run();
            done.push_back(steps[i].name);
        } catch (const Error& e) {
            if (e.category() == ErrorCategory::auth_failed ||
                e.category() == ErrorCategory::timed_out) {
                throw;
            }
            std::vector<std::string> left;
            for (std::size_t j = i; j < steps.size(); ++j) {
                left.push_back(steps[j].name);
            }
            throw Error(
                ErrorCategory::config_step_failed,
                fmt::format("step \"{}\" failed: {}. The device is activated in {}; "
                            "steps done: {}; not done: {}. Fix the cause and run the "
                            "same configure again: it only changes what differs",
                            steps[i].name, e.what(), context.acm ? "ACM" : "CCM",
                            done.empty() ? "none" : fmt::format("{}", fmt::join(done, ", ")),
                            fmt::join(left, ", ")));
        }
    }
}

} // namespace amtcfg::flows
