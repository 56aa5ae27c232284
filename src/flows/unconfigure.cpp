// unconfigure: CCM through AMTHI Unprovision (no password), ACM and --password through WS-Man
// (reference/wsman.md section 9, amthi.md section 3.2 "Unprovision").
#include "amtcfg/flows/unconfigure.hpp"

#include "device_state.hpp"
#include "wsman_session.hpp"

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/crypto/csr.hpp"
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"
#include "amtcfg/wsman/setup.hpp"
#include "amtcfg/wsman/tls.hpp"

#include <fmt/format.h>

namespace amtcfg::flows {

namespace {

using amthi::ControlMode;

void unprovision_over_amthi(amthi::Client& amthi, ControlMode mode) {
    auto status = amthi.unprovision(amthi::UnprovisionMode::none);
    if (status != amthi::k_status_success) {
        throw Error(ErrorCategory::unconfigure_failed,
                    fmt::format("AMTHI Unprovision returned {}; AMT is still in {}{}",
                                amthi::describe_status(status), amthi::control_mode_name(mode),
                                mode == ControlMode::acm
                                    ? " (ACM needs --password SOURCE to unconfigure over WS-Man)"
                                    : ""));
    }
}

// Deletes what <tls> put into AMT, as RPS deletes the TLS objects before it configures a device
// again (reference/wsman.md section 9): the context first (a bound certificate cannot go), then
// its certificate, then that certificate's key pair. Trusted roots are left: without the profile
// amtcfg cannot tell the ones it added from others, and Unprovision erases them.
void remove_tls_objects(wsman::Client& client, TlsRemoval& removal) {
    for (const auto& context : wsman::enumerate_tls_credential_contexts(client)) {
        wsman::delete_tls_credential_context(client, context);
        removal.credential_context = true;
        Bytes key;
        for (const auto& certificate : wsman::enumerate_public_key_certificates(client)) {
            if (certificate.instance_id == context.certificate_instance_id) {
                key = crypto::rsa_public_key_of_certificate(
                    crypto::base64_decode(certificate.x509_certificate));
                wsman::delete_public_key_certificate(client, certificate.instance_id);
                removal.certificates.push_back(certificate.instance_id);
            }
        }
        for (const auto& pair : wsman::enumerate_public_private_key_pairs(client)) {
            if (!key.empty() && crypto::base64_decode(pair.der_key) == key) {
                wsman::delete_public_private_key_pair(client, pair.instance_id);
                removal.key_pairs.push_back(pair.instance_id);
            }
        }
    }
}

TlsRemoval remove_tls_objects(Environment& env, wsman::Client& client) {
    TlsRemoval removal;
    try {
        remove_tls_objects(client, removal);
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::auth_failed ||
            e.category() == ErrorCategory::timed_out) {
            throw;
        }
        removal.error = e.what();
        env.log.warning("cannot remove amtcfg's TLS objects from AMT before unprovisioning ({}); "
                        "unprovisioning erases AMT's certificates and keys anyway",
                        e.what());
    }
    return removal;
}

TlsRemoval unprovision_over_wsman(Environment& env, const Secret& password,
                                  UnprovisionScope scope) {
    env.log.add_secret(password.reveal());
    WsmanSession session(env, "admin", password);
    TlsRemoval removal = remove_tls_objects(env, session.client());
    auto result = scope == UnprovisionScope::partial ? wsman::partial_unprovision(session.client())
                                                     : wsman::unprovision(session.client());
    if (!result.ok()) {
        // The removal is not committed, but a later CommitChanges would find TLS on without
        // a certificate: say so.
        throw Error(
            ErrorCategory::unconfigure_failed,
            fmt::format("AMT_SetupAndConfigurationService.{} returned {}; AMT is still "
                        "activated{}",
                        scope == UnprovisionScope::partial ? "PartialUnprovision" : "Unprovision",
                        result.describe(),
                        removal.credential_context
                            ? ", but without its TLS certificate, which amtcfg removed first "
                              "(configure with <tls> puts one back)"
                            : ""));
    }
    return removal;
}

} // namespace

UnconfigureResult unconfigure(Environment& env, const UnconfigureOptions& options) {
    amthi::Client amthi(env.device, env.deadline);
    DeviceState device = read_device_state(env, amthi);
    bool stuck = device.provisioning_state == amthi::ProvisioningState::in;
    if (device.control_mode == ControlMode::pre_provisioning && !stuck) {
        throw Error(ErrorCategory::wrong_state,
                    "AMT is not activated (pre-provisioning): there is nothing to unconfigure");
    }
    UnconfigureResult result;
    result.control_mode_before = std::string(amthi::control_mode_name(device.control_mode));
    bool acm = device.control_mode == ControlMode::acm;
    if (options.scope == UnprovisionScope::partial && !acm) {
        throw Error(ErrorCategory::wrong_state,
                    "--partial is an ACM operation and AMT is not in ACM; leave it out to "
                    "unconfigure fully");
    }
    if (acm && !options.admin_password) {
        throw Error(ErrorCategory::auth_failed,
                    "AMT is activated in ACM, which can only be unconfigured with the admin "
                    "password: pass --password SOURCE (e.g. env:AMT_PASSWORD)");
    }
    if (options.admin_password && !stuck) {
        require_ws_man_ready(device);
        secure_provisioned(env, device, escrow_file_of(*options.admin_password));
        result.tls = unprovision_over_wsman(
            env, read_admin_password(env, *options.admin_password, device.uuid), options.scope);
        result.method = "wsman";
    } else if (stuck && device.tls_enforced &&
               amthi.stop_configuration() == amthi::k_status_success) {
        // AMT 19+ left "in provisioning" (a Secure Host-Based Configuration or a CCM Setup that
        // never reached CommitChanges): StopConfiguration is the way back (amthi.md 3.2).
        result.method = "amthi-stop-configuration";
    } else {
        // CCM needs no password here: the peers' most requested fix (reference/peers.md).
        unprovision_over_amthi(amthi, device.control_mode);
        result.method = "amthi";
    }
    result.control_mode = std::string(amthi::control_mode_name(amthi.get_control_mode()));
    result.provisioning_state =
        std::string(amthi::provisioning_state_name(amthi.get_provisioning_state()));
    return result;
}

} // namespace amtcfg::flows
