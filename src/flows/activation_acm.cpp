// Admin control mode: certificate pre-flight, AdminSetup and UpgradeClientToAdmin
// (reference/wsman.md sections 7.2 and 7.3).
#include "activation.hpp"

#include "amtcfg/crypto/acm_checks.hpp"
#include "amtcfg/crypto/digest.hpp"
#include "amtcfg/crypto/random.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace amtcfg::flows {

namespace {

constexpr std::size_t k_nonce_size = 20; // "AMT only accepts a nonce that is 20 bytes long"

std::vector<crypto::TrustedRootHash> trusted_hashes(amthi::Client& amthi) {
    std::vector<crypto::TrustedRootHash> hashes;
    for (auto handle : amthi.enumerate_hash_handles()) {
        auto entry = amthi.get_cert_hash_entry(handle);
        hashes.push_back({entry.name, std::string(amthi::hash_algorithm_name(entry.algorithm)),
                          entry.hash, entry.is_active});
    }
    return hashes;
}

crypto::ProvisioningChain load_and_check(Environment& env, amthi::Client& amthi,
                                         const profile::Profile& profile) {
    const auto& certificate = *profile.activation.provisioning_certificate;
    Secret password = profile::read_profile_secret(profile, certificate.password,
                                                   "provisioning certificate password");
    auto chain = crypto::load_pkcs12_file(certificate.file, password);
    std::string suffix = amthi.get_dns_suffix();
    if (suffix.empty()) {
        suffix = env.os.domain(); // what rpc-go falls back to (wsman.md 7.2)
    }
    auto report =
        crypto::acm_preflight(chain, suffix, std::chrono::system_clock::from_time_t(env.now()));
    if (auto problem = crypto::check_root_trusted(chain.root(), trusted_hashes(amthi))) {
        report.problems.push_back(*problem);
    }
    for (const auto& warning : report.warnings) {
        env.log.warning("{}", warning);
    }
    if (!report.ok()) {
        throw Error(ErrorCategory::acm_prerequisites,
                    fmt::format("ACM prerequisites not met, nothing was changed: {}",
                                fmt::join(report.problems, "; ")));
    }
    return chain;
}

Bytes configuration_nonce(wsman::Client& client) {
    auto service = wsman::get_host_based_setup_service(client);
    Bytes nonce = crypto::base64_decode(service.configuration_nonce);
    if (nonce.size() != k_nonce_size) {
        throw Error(ErrorCategory::activation_failed,
                    fmt::format("AMT's ConfigurationNonce has {} bytes instead of {}", nonce.size(),
                                k_nonce_size));
    }
    return nonce;
}

void send_chain(wsman::Client& client, const crypto::ProvisioningChain& chain) {
    for (std::size_t i = 0; i < chain.chain.size(); ++i) {
        auto link = i == 0                        ? wsman::ChainLink::leaf
                    : i + 1 == chain.chain.size() ? wsman::ChainLink::root
                                                  : wsman::ChainLink::intermediate;
        auto added =
            wsman::add_next_cert_in_chain(client, crypto::base64_encode(chain.chain[i].der), link);
        if (!added.ok()) {
            throw Error(ErrorCategory::activation_failed,
                        fmt::format("AMT refused certificate {} of the chain (\"{}\"): "
                                    "AddNextCertInChain returned {}",
                                    i + 1, chain.chain[i].common_name, added.describe()));
        }
    }
}

struct SignedNonce {
    std::string mc_nonce;  // base64
    std::string signature; // base64
};

SignedNonce sign(const crypto::ProvisioningChain& chain, const Bytes& configuration) {
    Bytes mc = crypto::random_bytes(k_nonce_size);
    return {crypto::base64_encode(mc), crypto::sign_setup_nonces(chain.key, configuration, mc)};
}

constexpr std::string_view k_escrow_mebx = "mebx-password";

// Generated -> escrowed pending -> SetMEBxPassword -> set or failed. A password from the
// profile's own source gets a pending record without its value, so that the outcome is known.
// A lost reply leaves the record pending: the next configure sets the MEBx password again.
void set_mebx_password(Environment& env, wsman::Client& client, const profile::Profile& profile,
                       PasswordEscrow& escrow, ConfigureResult& result) {
    if (!profile.activation.mebx_password) {
        return;
    }
    auto mebx =
        profile::resolve_amt_password(profile, *profile.activation.mebx_password, "MEBx password");
    env.log.add_secret(mebx.value.reveal());
    auto id = mebx.origin == profile::PasswordOrigin::generated
                  ? escrow.record(k_escrow_mebx, mebx.value)
                  : escrow.record_attempt(k_escrow_mebx);
    auto set = wsman::set_mebx_password(client, mebx.value);
    if (!set.ok()) {
        escrow.outcome(k_escrow_mebx, id, profile::EscrowStatus::failed);
        throw Error(ErrorCategory::config_step_failed,
                    fmt::format("step \"mebx-password\" failed: AMT_SetupAndConfigurationService."
                                "SetMEBxPassword returned {}; AMT is activated in ACM with the "
                                "new admin password{}",
                                set.describe(),
                                escrow.enabled() ? " (the same configure with the same --escrow "
                                                   "tries the MEBx password again)"
                                                 : ""));
    }
    escrow.outcome(k_escrow_mebx, id, profile::EscrowStatus::set);
    result.changed.push_back(std::string(k_escrow_mebx));
}

} // namespace

Activated activate_acm(Environment& env, amthi::Client& amthi, const profile::Profile& profile,
                       RunMode mode, PasswordEscrow& escrow, ConfigureResult& result) {
    auto chain = load_and_check(env, amthi, profile);
    auto [resolved, session, general] = start_activation(env, amthi, profile, "acm", result);
    const Secret& password = resolved.value;
    if (mode == RunMode::dry_run) {
        return {std::move(session), true, std::move(general), 0};
    }
    Bytes nonce = configuration_nonce(session->client());
    auto id = escrow_if_generated(escrow, resolved);
    if (env.progress) {
        env.progress("activating AMT in admin control mode (ACM)");
    }
    send_chain(session->client(), chain);
    auto signed_nonce = sign(chain, nonce);
    auto hash = crypto::network_admin_password(general.digest_realm, password);
    activate_and_record(
        amthi, escrow, id,
        [&, &acm = session] { // clang 14 cannot capture a structured binding implicitly
            return wsman::admin_setup(acm->client(), hash, signed_nonce.mc_nonce,
                                      signed_nonce.signature);
        },
        amthi::ControlMode::acm, "IPS_HostBasedSetupService.AdminSetup");
    std::size_t calls = session->calls();
    session = std::make_unique<WsmanSession>(env, std::string(k_admin_user), password);
    set_mebx_password(env, session->client(), profile, escrow, result);
    return {std::move(session), true, std::move(general), calls};
}

void upgrade_to_acm(Environment& env, amthi::Client& amthi, const profile::Profile& profile,
                    RunMode mode, PasswordEscrow& escrow, Activated& activated,
                    ConfigureResult& result) {
    auto chain = load_and_check(env, amthi, profile);
    result.plan.push_back({"upgrade", "control mode", "ccm", "acm"});
    result.changed.push_back("upgrade");
    if (mode == RunMode::dry_run) {
        return;
    }
    auto& client = activated.session->client();
    Bytes nonce = configuration_nonce(client);
    if (env.progress) {
        env.progress("upgrading AMT from client control mode (CCM) to admin control mode (ACM)");
    }
    send_chain(client, chain);
    auto signed_nonce = sign(chain, nonce);
    confirm_activation(
        amthi,
        [&] {
            return wsman::upgrade_client_to_admin(client, signed_nonce.mc_nonce,
                                                  signed_nonce.signature);
        },
        amthi::ControlMode::acm, "IPS_HostBasedSetupService.UpgradeClientToAdmin");
    activated.acm = true;
    set_mebx_password(env, client, profile, escrow, result);
}

void converge_mebx_password(Environment& env, wsman::Client& client,
                            const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                            ConfigureResult& result) {
    if (!profile.activation.mebx_password || !escrow.enabled()) {
        return;
    }
    auto values = escrow.values_of(k_escrow_mebx);
    if (!values.empty() && values.back().status == profile::EscrowStatus::set) {
        result.unchanged.push_back(std::string(k_escrow_mebx));
        return;
    }
    result.plan.push_back(
        {std::string(k_escrow_mebx), "MEBx password",
         values.empty() ? "not in the escrow file" : std::string(to_string(values.back().status)),
         "set"});
    if (mode == RunMode::dry_run) {
        result.changed.push_back(std::string(k_escrow_mebx));
        return;
    }
    set_mebx_password(env, client, profile, escrow, result);
}

} // namespace amtcfg::flows
