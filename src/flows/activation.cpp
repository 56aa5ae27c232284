// Host-based activation in CCM (reference/wsman.md section 7.1) and admin login.
#include "activation.hpp"

#include "amtcfg/crypto/digest.hpp"

#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>

#include <functional>

namespace amtcfg::flows {

namespace {

constexpr std::string_view k_admin = k_admin_user;

} // namespace

profile::ResolvedPassword new_admin_password(const profile::Profile& profile) {
    return profile::resolve_amt_password(profile, profile.activation.admin_password,
                                         "admin password");
}

std::string escrow_if_generated(PasswordEscrow& escrow, const profile::ResolvedPassword& password) {
    if (password.origin == profile::PasswordOrigin::generated) {
        return escrow.record(k_escrow_admin, password.value);
    }
    return {};
}

void activate_and_record(amthi::Client& amthi, PasswordEscrow& escrow, std::string_view id,
                         const std::function<wsman::MethodResult()>& call,
                         amthi::ControlMode wanted, std::string_view name) {
    try {
        confirm_activation(amthi, call, wanted, name);
    } catch (const Error&) {
        // Only a device that is still not activated proves the password did not take; in any
        // other state the record stays pending and the next run's login decides.
        bool unchanged = false;
        try {
            unchanged = amthi.get_control_mode() == amthi::ControlMode::pre_provisioning;
        } catch (const Error&) {
        }
        if (unchanged) {
            escrow.outcome(k_escrow_admin, id, profile::EscrowStatus::failed);
        }
        throw;
    }
    escrow.outcome(k_escrow_admin, id, profile::EscrowStatus::set);
}

ActivationStart start_activation(Environment& env, amthi::Client& amthi,
                                 const profile::Profile& profile, std::string_view mode_name,
                                 ConfigureResult& result) {
    auto resolved = new_admin_password(profile);
    env.log.add_secret(resolved.value.reveal());
    auto lsa = amthi.get_local_system_account();
    env.log.add_secret(lsa.password.reveal());
    auto session = std::make_unique<WsmanSession>(env, lsa.username, lsa.password);
    auto general = wsman::get_general_settings(session->client());
    result.plan.push_back(
        {"activation", "control mode", "pre-provisioning", std::string(mode_name)});
    result.changed.push_back("activation");
    return {std::move(resolved), std::move(session), std::move(general)};
}

void confirm_activation(amthi::Client& amthi, const std::function<wsman::MethodResult()>& call,
                        amthi::ControlMode wanted, std::string_view name) {
    std::optional<wsman::MethodResult> result;
    std::string outcome;
    try {
        result = call();
        outcome = fmt::format("returned {}", result->describe());
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::wsman_unreachable &&
            e.category() != ErrorCategory::amt_unavailable &&
            e.category() != ErrorCategory::timed_out) {
            throw;
        }
        outcome = fmt::format("got no answer ({})", e.what());
    }
    // The answer came over WS-Man; the ME is the one witness that no listener on a loopback
    // port can fake. Nothing more (admin login, MEBx password) is sent before it agrees.
    auto mode = amthi.get_control_mode();
    if (mode == wanted) {
        return;
    }
    if (result && result->ok()) {
        throw Error(ErrorCategory::activation_failed,
                    fmt::format("{} returned 0, but AMT's control mode read over MEI is {}, not "
                                "{}: whatever answered was not this AMT, or AMT did not keep the "
                                "change; amtcfg sent nothing more",
                                name, amthi::control_mode_name(mode),
                                amthi::control_mode_name(wanted)));
    }
    throw Error(ErrorCategory::activation_failed,
                fmt::format("{} {}; AMT's control mode is unchanged (re-run configure after "
                            "fixing the cause)",
                            name, outcome));
}

void commit_provisioning(Environment& env, amthi::Client& amthi, wsman::Client& client,
                         const std::function<void()>& rolled_back) {
    std::string outcome;
    try {
        auto committed = wsman::commit_changes(client);
        outcome = fmt::format("returned {}", committed.describe());
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::wsman_unreachable &&
            e.category() != ErrorCategory::amt_unavailable) {
            throw;
        }
        outcome = fmt::format("got no complete answer ({})", e.what());
        env.log.info("CommitChanges {}; asking the ME whether provisioning completed", outcome);
    }
    auto state = amthi.get_provisioning_state();
    if (state == amthi::ProvisioningState::post) {
        return;
    }
    auto stopped = amthi.stop_configuration();
    bool back = amthi.get_control_mode() == amthi::ControlMode::pre_provisioning &&
                amthi.get_provisioning_state() == amthi::ProvisioningState::pre;
    if (back) {
        rolled_back();
    }
    throw Error(ErrorCategory::activation_failed,
                fmt::format("AMT_SetupAndConfigurationService.CommitChanges {}; provisioning did "
                            "not complete, and {}",
                            outcome,
                            back ? std::string("StopConfiguration returned AMT to "
                                               "pre-provisioning (re-run configure after fixing "
                                               "the cause)")
                                 : fmt::format("StopConfiguration returned {}: AMT may be stuck "
                                               "in provisioning; run `amtcfg unconfigure`",
                                               amthi::describe_status(stopped))));
}

Activated open_provisioned_session(Environment& env, const Secret& password, bool acm,
                                   PasswordEscrow& escrow, std::size_t calls_before,
                                   std::optional<http::ClientCertificate> client) {
    auto tls = speak_tls(env, just_provisioned_trust(env), std::move(client));
    auto session = std::make_unique<WsmanSession>(env, std::string(k_admin), password);
    auto general = wsman::get_general_settings(session->client());
    std::string pin = pin_text(*tls);
    if (escrow.enabled() && !pin.empty()) {
        escrow.record_in_effect(k_escrow_tls_pin, Secret(pin));
        env.log.info("pinned AMT's TLS certificate ({}) in the escrow file", pin);
    } else if (!pin.empty()) {
        env.log.warning("AMT's TLS certificate ({}) is not pinned (no --escrow): later runs "
                        "need --amt-ca FILE or --amt-insecure to verify it",
                        pin);
    }
    return {std::move(session), acm, std::move(general), calls_before};
}

namespace {

Activated activate_ccm(Environment& env, amthi::Client& amthi, const DeviceState& device,
                       const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                       ConfigureResult& result) {
    if (device.tls_enforced) {
        speak_tls(env, provisioning_trust(env));
    }
    auto [resolved, session, general] = start_activation(env, amthi, profile, "ccm", result);
    const Secret& password = resolved.value;
    if (mode == RunMode::dry_run) {
        return {std::move(session), false, std::move(general), 0};
    }
    auto id = escrow_if_generated(escrow, resolved);
    if (env.progress) {
        env.progress("activating AMT in client control mode (CCM)");
    }
    auto hash = crypto::network_admin_password(general.digest_realm, password);
    activate_and_record(
        amthi, escrow, id,
        [&, &ccm = session] { // clang 14: no implicit capture of a structured binding
            return wsman::setup(ccm->client(), hash);
        },
        amthi::ControlMode::ccm, "IPS_HostBasedSetupService.Setup");
    std::size_t calls = session->calls();
    session = std::make_unique<WsmanSession>(env, std::string(k_admin), password);
    if (!device.tls_enforced) {
        return {std::move(session), false, std::move(general), calls};
    }
    commit_provisioning(env, amthi, session->client(),
                        [&] { escrow.outcome(k_escrow_admin, id, profile::EscrowStatus::failed); });
    return open_provisioned_session(env, password, false, escrow, calls + session->calls());
}

} // namespace

Activated activate(Environment& env, amthi::Client& amthi, const DeviceState& device,
                   const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                   ConfigureResult& result) {
    if (profile.activation.mode == profile::ActivationMode::acm) {
        return activate_acm(env, amthi, device, profile, mode, escrow, result);
    }
    return activate_ccm(env, amthi, device, profile, mode, escrow, result);
}

Activated log_in_as_admin(Environment& env, const DeviceState& device,
                          const profile::Profile& profile, Secret current_password, RunMode mode,
                          ConfigureResult& result) {
    env.log.add_secret(current_password.reveal());
    auto session = std::make_unique<WsmanSession>(env, std::string(k_admin), current_password);
    bool acm = device.control_mode == amthi::ControlMode::acm;
    wsman::GeneralSettings general;
    try {
        general = wsman::get_general_settings(session->client());
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::auth_failed) {
            throw e.with_context("AMT is already activated and rejected the admin password "
                                 "amtcfg was given (pass the current one with --password SOURCE)");
        }
        throw;
    }
    const auto& source = profile.activation.admin_password.source;
    if (source.kind == SecretSourceKind::random) {
        result.unchanged.push_back("admin-password");
        return {std::move(session), acm, std::move(general), 0};
    }
    Secret wanted = std::move(new_admin_password(profile).value);
    if (wanted.reveal() == current_password.reveal()) {
        result.unchanged.push_back("admin-password");
        return {std::move(session), acm, std::move(general), 0};
    }
    env.log.add_secret(wanted.reveal());
    result.plan.push_back({"admin-password", "admin password", "(current)", "(profile's)"});
    result.changed.push_back("admin-password");
    if (mode == RunMode::dry_run) {
        return {std::move(session), acm, std::move(general), 0};
    }
    auto changed = wsman::set_admin_acl_entry_ex(
        session->client(), k_admin,
        crypto::digest_password_base64(k_admin, general.digest_realm, wanted));
    if (!changed.ok()) {
        throw Error(ErrorCategory::config_step_failed,
                    fmt::format("step \"admin-password\" failed: AMT_AuthorizationService."
                                "SetAdminAclEntryEx returned {}; the admin password is unchanged",
                                changed.describe()));
    }
    std::size_t calls = session->calls();
    session = std::make_unique<WsmanSession>(env, std::string(k_admin), wanted);
    return {std::move(session), acm, std::move(general), calls};
}

} // namespace amtcfg::flows
