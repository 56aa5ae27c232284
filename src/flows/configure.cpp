// configure: decide between activating, upgrading and reconfiguring, then apply the profile.
#include "amtcfg/flows/configure.hpp"

#include "activation.hpp"
#include "device_state.hpp"
#include "profile_steps.hpp"
#include "tls_step.hpp"
#include "wsman_session.hpp"

#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <fmt/format.h>

namespace amtcfg::flows {

namespace {

using amthi::ControlMode;
using profile::ActivationMode;

bool wants_acm(const profile::Profile& profile) {
    return profile.activation.mode == ActivationMode::acm;
}

void check_mode_matches(const DeviceState& device, const profile::Profile& profile) {
    if (device.control_mode == ControlMode::acm && !wants_acm(profile)) {
        throw Error(ErrorCategory::wrong_state,
                    "AMT is activated in ACM but the profile asks for CCM; amtcfg does not "
                    "downgrade a device: run `amtcfg unconfigure` first, then configure again");
    }
}

// The current admin password of an activated device: --password, else the profile's source;
// when that is "random", the one --escrow holds for this device (the same command line that
// activated it works on every later run).
Secret current_admin_password(Environment& env, const profile::Profile& profile,
                              const ConfigureOptions& options, const DeviceState& device) {
    if (options.admin_password) {
        return read_admin_password(env, *options.admin_password, device.uuid);
    }
    const auto& source = profile.activation.admin_password.source;
    if (source.kind == SecretSourceKind::random && options.escrow_path) {
        return escrowed_admin_password(env, *options.escrow_path, device.uuid);
    }
    if (source.kind == SecretSourceKind::random) {
        throw Error(ErrorCategory::auth_failed,
                    fmt::format("AMT is already activated in {}, so amtcfg needs its current admin "
                                "password to reconfigure it, and the profile's admin-password is "
                                "\"random\": pass --escrow FILE with the escrow file that holds "
                                "it, or --password SOURCE",
                                amthi::control_mode_name(device.control_mode)));
    }
    return profile::read_profile_secret(profile, profile.activation.admin_password,
                                        "admin password");
}

// The parser already refused source="random" without --escrow; a bad path or a malformed file
// fails here, before the device is touched.
PasswordEscrow prepare_escrow(Environment& env, const ConfigureOptions& options,
                              const DeviceState& device, ConfigureResult& result) {
    if (!options.escrow_path) {
        return {env, std::nullopt, {}, device.uuid, result};
    }
    profile::Escrow escrow(*options.escrow_path, utc_timestamp);
    escrow.check();
    auto contents = profile::load_escrow(escrow.path());
    return {env, std::move(escrow), std::move(contents), device.uuid, result};
}

} // namespace

ConfigureResult configure(Environment& env, const profile::Profile& profile,
                          const ConfigureOptions& options) {
    // The <tls> issuer's CA is read first: unusable CA files (exit 3) or a CA that cannot be
    // reached (exit 35) stop the run before the device is touched.
    auto tls_trust = profile_tls_trust(env, profile);
    amthi::Client amthi(env.device, env.deadline);
    DeviceState device = read_device_state(env, amthi);
    check_mode_matches(device, profile);
    ConfigureResult result;
    if (device.amt_enabled == false) {
        if (!enable_amt(env, device, options.mode, result)) {
            result.control_mode = std::string(amthi::control_mode_name(device.control_mode));
            return result; // a dry run: nothing more can be planned without WS-Man
        }
        device.amt_enabled = true;
    }
    require_ws_man_ready(device);

    bool activating = device.control_mode == ControlMode::pre_provisioning;
    PasswordEscrow escrow = prepare_escrow(env, options, device, result);
    if (activating && options.mode == RunMode::apply) {
        // AMT is not activated, so no admin password an earlier run escrowed took.
        escrow.settle_as_failed(k_escrow_admin);
    }
    if (!activating) {
        secure_provisioned(env, device,
                           options.escrow_path      ? options.escrow_path
                           : options.admin_password ? escrow_file_of(*options.admin_password)
                                                    : std::nullopt,
                           tls_trust);
    }
    Activated activated =
        activating ? activate(env, amthi, device, profile, options.mode, escrow, result)
                   : log_in_as_admin(env, device, profile,
                                     current_admin_password(env, profile, options, device),
                                     options.mode, result);
    if (!activating && wants_acm(profile) && device.control_mode == ControlMode::ccm) {
        upgrade_to_acm(env, amthi, profile, options.mode, escrow, activated, result);
    } else if (!activating && device.control_mode == ControlMode::acm) {
        converge_mebx_password(env, activated.session->client(), profile, options.mode, escrow,
                               result);
    }

    StepContext context{activated.session->client(),
                        env.os,
                        env.log,
                        options.mode,
                        escrow,
                        activated.acm,
                        result,
                        std::move(activated.general),
                        activating};
    apply_profile(context, profile);
    if (profile.tls && activating && options.mode == RunMode::dry_run) {
        result.notes.push_back("tls: AMT lets only its admin read its certificates, so a dry run "
                               "before activation cannot compare them; configure applies <tls> "
                               "after activating");
    } else if (profile.tls) {
        run_tls_step(env, *activated.session, profile, options.mode, escrow, result);
    }
    result.control_mode = std::string(amthi::control_mode_name(
        options.mode == RunMode::dry_run ? device.control_mode
                                         : (activated.acm ? ControlMode::acm : ControlMode::ccm)));
    result.wsman_calls = activated.calls_before + activated.session->calls();
    return result;
}

} // namespace amtcfg::flows
