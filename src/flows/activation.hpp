// Activation (CCM, ACM), the CCM -> ACM upgrade, and logging in to an activated device.
#pragma once

#include "device_state.hpp"
#include "wsman_session.hpp"

#include "amtcfg/flows/configure.hpp"
#include "profile_steps.hpp"

#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/wsman/setup.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace amtcfg::flows {

inline constexpr std::string_view k_admin_user = "admin";

// A session the profile steps can run in, after activation or login.
struct Activated {
    std::unique_ptr<WsmanSession> session; // as admin; as the local system account in a dry run
    bool acm = false;
    std::optional<wsman::GeneralSettings> general; // already read, if it was
    std::size_t calls_before = 0;                  // WS-Man calls of sessions already closed
};

// Activates a pre-provisioned device in the profile's mode. A generated password is written to
// `escrow` before it is set in AMT. A device that enforces TLS is activated over TLS (CCM: its
// On-Die CA chain verified; ACM: Secure Host-Based Configuration) and its certificate pinned in
// `escrow` afterwards.
Activated activate(Environment& env, amthi::Client& amthi, const DeviceState& device,
                   const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                   ConfigureResult& result);

// Opens an admin session to an activated device and, when the profile names a different admin
// password than the current one, changes it.
Activated log_in_as_admin(Environment& env, const DeviceState& device,
                          const profile::Profile& profile, Secret current_password, RunMode mode,
                          ConfigureResult& result);

Activated activate_acm(Environment& env, amthi::Client& amthi, const DeviceState& device,
                       const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                       ConfigureResult& result);

// TLS-enforced AMT stays "in provisioning" until CommitChanges (wsman.md 7.1 step 5, 7.4 step
// 4). Success is AMT's 0, or a lost answer (AMT restarts its services and may drop the
// connection), in both cases with the ME reporting provisioning state "post". Anything else
// returns AMT to pre-provisioning with StopConfiguration, calls `rolled_back` when the ME
// confirms that, and throws Error(activation_failed).
void commit_provisioning(Environment& env, amthi::Client& amthi, wsman::Client& client,
                         const std::function<void()>& rolled_back);

// After a TLS-enforced device was provisioned in this run: a new admin session verified with
// just_provisioned_trust, AMT_GeneralSettings read in it, and AMT's certificate pinned in
// `escrow` (when there is one) for later runs. `calls_before` counts the closed sessions' calls.
// `client` is offered for mutual TLS (after Secure Host-Based Configuration AMT may ask for it).
Activated open_provisioned_session(Environment& env, const Secret& password, bool acm,
                                   PasswordEscrow& escrow, std::size_t calls_before,
                                   std::optional<http::ClientCertificate> client = std::nullopt);

// Shared by the CCM and ACM paths: the admin password to set (the profile's, or generated), and
// its escrow, which must happen right before it is set.
profile::ResolvedPassword new_admin_password(const profile::Profile& profile);
// Returns the pending record's id ("" when the password was not generated).
std::string escrow_if_generated(PasswordEscrow& escrow, const profile::ResolvedPassword& password);

// What both activation paths begin with: the admin password to set, a session as AMT's local
// system account, and AMT_GeneralSettings (its DigestRealm); the plan records the activation.
struct ActivationStart {
    profile::ResolvedPassword password;
    std::unique_ptr<WsmanSession> session;
    wsman::GeneralSettings general;
};
ActivationStart start_activation(Environment& env, amthi::Client& amthi,
                                 const profile::Profile& profile, std::string_view mode_name,
                                 ConfigureResult& result);
// Runs the activation method `call`, then reads the control mode over AMTHI: AMT is activated
// only when the ME says so. A success answer the ME contradicts is Error(activation_failed)
// (it did not come from this AMT, or AMT did not keep it), and so is a failure or a lost
// answer (wsman.md 7.1 step 4: the reply can be lost while AMT still activates) unless the
// ME shows the wanted mode.
void confirm_activation(amthi::Client& amthi, const std::function<wsman::MethodResult()>& call,
                        amthi::ControlMode wanted, std::string_view name);

// confirm_activation, then the escrow's record `id` of the new admin password is marked set; when
// it throws and AMT is still not activated, failed.
void activate_and_record(amthi::Client& amthi, PasswordEscrow& escrow, std::string_view id,
                         const std::function<wsman::MethodResult()>& call,
                         amthi::ControlMode wanted, std::string_view name);

// UpgradeClientToAdmin with the profile's provisioning certificate (CCM -> ACM), then the MEBx
// step.
void upgrade_to_acm(Environment& env, amthi::Client& amthi, const profile::Profile& profile,
                    RunMode mode, PasswordEscrow& escrow, Activated& activated,
                    ConfigureResult& result);

// The MEBx step on a device already in ACM: AMT cannot tell its MEBx password, so the escrow
// decides. Unless the newest MEBx password escrowed for this device is marked set, it is set
// (again). Without --escrow nothing is known and nothing is done.
void converge_mebx_password(Environment& env, wsman::Client& client,
                            const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                            ConfigureResult& result);

} // namespace amtcfg::flows
