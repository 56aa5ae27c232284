// maintain: clock, hostname, IP and password-rotation checks (reference/wsman.md section 9).
#include "amtcfg/flows/maintain.hpp"

#include "device_state.hpp"
#include "maintain_checks.hpp"
#include "profile_steps.hpp"
#include "tls_step.hpp"
#include "wsman_session.hpp"

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <fmt/format.h>

#include <functional>

namespace amtcfg::flows {

std::vector<std::string> MaintainResult::failed() const {
    std::vector<std::string> names;
    for (const auto& c : checks) {
        if (c.due && !c.done) {
            names.push_back(c.check);
        }
    }
    return names;
}

namespace {

struct Selection {
    bool clock = false;
    bool hostname = false;
    bool ip = false;
    bool password = false;
    bool certificate = false;
};

// --auto selects what needs no profile (clock, hostname, IP) plus what the profile's
// <maintenance> schedules (password rotation); the explicit flags add to it.
Selection select(const MaintainOptions& o) {
    Selection s{o.sync_clock, o.sync_hostname, o.sync_ip, o.rotate_password};
    if (o.automatic) {
        s.clock = s.hostname = s.ip = true;
        const auto* maintenance =
            o.profile && o.profile->maintenance ? &*o.profile->maintenance : nullptr;
        s.password =
            s.password || (maintenance && maintenance->rotate_password_days.value_or(0) > 0);
        s.certificate = o.profile && o.profile->tls && maintenance &&
                        maintenance->renew_certificate_days.value_or(0) > 0;
    }
    if (!s.clock && !s.hostname && !s.ip && !s.password) {
        throw Error(ErrorCategory::usage,
                    "maintain needs something to do: --auto, or one or more of --sync-clock, "
                    "--sync-hostname, --sync-ip, --rotate-password");
    }
    return s;
}

// <tls> with <maintenance renew-certificate-days>: the tls step renews a certificate that
// expires within that many days (new key in AMT, new certificate, context switched, the old one
// removed, verified over TLS); a failure leaves the old certificate in place.
MaintenanceCheck renew_certificate(MaintainContext& c) {
    ConfigureResult result;
    std::optional<profile::Escrow> escrow_file;
    profile::EscrowContents contents;
    if (c.options.escrow_path) {
        escrow_file.emplace(*c.options.escrow_path, utc_timestamp);
        contents = profile::load_escrow(*c.options.escrow_path);
    }
    PasswordEscrow escrow(c.env, std::move(escrow_file), std::move(contents), c.device.uuid,
                          result);
    run_tls_step(c.env, *c.session, *c.options.profile, RunMode::apply, escrow, result);
    MaintenanceCheck check{"certificate", false, false, ""};
    if (result.changed.empty() || !result.tls) {
        check.detail = "AMT's TLS certificate is not due for renewal";
        return check;
    }
    check.due = check.done = true;
    check.detail = fmt::format("{}; AMT now serves {} until {}",
                               result.plan.empty() ? "renewed" : result.plan.front().current,
                               result.tls->subject, result.tls->not_after);
    return check;
}

} // namespace

MaintainResult maintain(Environment& env, const MaintainOptions& options) {
    Selection selection = select(options);
    amthi::Client amthi(env.device, env.deadline);
    DeviceState device = read_device_state(env, amthi);
    if (device.control_mode == amthi::ControlMode::pre_provisioning) {
        throw Error(ErrorCategory::wrong_state,
                    "AMT is not activated (pre-provisioning): there is nothing to maintain; run "
                    "`amtcfg configure` first");
    }
    require_ws_man_ready(device);
    secure_provisioned(env, device,
                       options.escrow_path ? options.escrow_path
                                           : escrow_file_of(options.admin_password),
                       options.profile ? profile_tls_trust(env, *options.profile) : nullptr);
    Secret password = read_admin_password(env, options.admin_password, device.uuid);
    env.log.add_secret(password.reveal());
    MaintainContext context{
        env, std::make_unique<WsmanSession>(env, "admin", password), options, device, {}, 0};
    struct Check {
        bool selected;
        std::string_view name;
        std::function<MaintenanceCheck()> run;
    };
    // Password rotation goes last: the other checks run with the password they were given.
    std::vector<Check> checks{
        {selection.clock, "clock", [&] { return check_clock(context); }},
        {selection.hostname, "hostname", [&] { return check_hostname(context); }},
        {selection.ip, "ip", [&] { return check_ip(context, amthi); }},
        {selection.certificate, "certificate", [&] { return renew_certificate(context); }},
        {selection.password, "password", [&] { return rotate_password(context); }},
    };
    MaintainResult result;
    for (const auto& check : checks) {
        if (check.selected) {
            result.checks.push_back(run_check(check.name, check.run));
        }
    }
    result.wsman_calls = context.calls();
    return result;
}

} // namespace amtcfg::flows
