// Admin control mode: certificate pre-flight, AdminSetup and UpgradeClientToAdmin
// (reference/wsman.md sections 7.2 and 7.3).
#include "activation.hpp"

#include "amtcfg/crypto/acm_checks.hpp"
#include "amtcfg/crypto/digest.hpp"
#include "amtcfg/crypto/random.hpp"
#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"
#include "amtcfg/wsman/maintenance.hpp"

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

// The provisioning leaf's hash as StartConfigurationHBased takes it: SHA-384 for a leaf signed
// with SHA-384, SHA-256 otherwise (amthi.md 3.2).
amthi::HBasedHash provisioning_leaf_hash(const crypto::ProvisioningChain& chain) {
    bool sha384 = chain.leaf().signature_digest == "sha384";
    auto algorithm = sha384 ? crypto::HashAlgorithm::sha384 : crypto::HashAlgorithm::sha256;
    return {sha384 ? amthi::HashAlgorithm::sha384 : amthi::HashAlgorithm::sha256,
            crypto::fingerprint(chain.leaf().der, algorithm)};
}

http::ClientCertificate client_certificate(const crypto::ProvisioningChain& chain) {
    http::ClientCertificate out;
    for (const auto& certificate : chain.chain) {
        out.chain.push_back(certificate.der);
    }
    out.key = chain.key.shared();
    return out;
}

// Until CommitChanges succeeds, any failure sends StopConfiguration, so AMT is never left "in
// provisioning" (wsman.md 7.4 step 5).
class ProvisioningGuard {
public:
    ProvisioningGuard(Environment& env, amthi::Client& amthi) : m_env(env), m_amthi(amthi) {}
    ~ProvisioningGuard() {
        if (m_done) {
            return;
        }
        try {
            auto status = m_amthi.stop_configuration();
            m_env.log.warning("Secure Host-Based Configuration did not complete; StopConfiguration "
                              "returned {}",
                              amthi::describe_status(status));
        } catch (const std::exception& e) {
            m_env.log.error("StopConfiguration failed ({}): AMT may be stuck in provisioning; run "
                            "`amtcfg unconfigure`",
                            e.what());
        }
    }
    ProvisioningGuard(const ProvisioningGuard&) = delete;
    ProvisioningGuard& operator=(const ProvisioningGuard&) = delete;
    void done() { m_done = true; }

private:
    Environment& m_env;
    amthi::Client& m_amthi;
    bool m_done = false;
};

// ACM on AMT 19+ with TLS enforced (wsman.md 7.4): StartConfigurationHBased names the
// provisioning certificate and answers with AMT's own leaf hash; mutual TLS with the provisioning
// chain as client certificate, AMT's chain verified to the On-Die CA root and pinned by that
// hash; the admin password (and MEBx password) set as the local system account; CommitChanges.
// AdminSetup does not exist on CSME 19.
Activated activate_acm_hbased(Environment& env, amthi::Client& amthi,
                              const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                              ConfigureResult& result) {
    auto chain = load_and_check(env, amthi, profile);
    if (mode == RunMode::dry_run) {
        speak_tls(env, provisioning_trust(env));
        auto [resolved, session, general] = start_activation(env, amthi, profile, "acm", result);
        return {std::move(session), true, std::move(general), 0};
    }
    auto resolved = new_admin_password(profile);
    const Secret& password = resolved.value;
    env.log.add_secret(password.reveal());
    auto lsa = amthi.get_local_system_account();
    env.log.add_secret(lsa.password.reveal());
    if (env.progress) {
        env.progress("activating AMT in admin control mode (ACM) with Secure Host-Based "
                     "Configuration");
    }
    amthi::HBasedHash amt_leaf;
    try {
        amt_leaf = amthi.start_configuration_hbased(provisioning_leaf_hash(chain));
    } catch (const amthi::StatusError& e) {
        throw Error(ErrorCategory::activation_failed,
                    fmt::format("AMT refused to start Secure Host-Based Configuration: {}; "
                                "nothing was changed",
                                e.what()));
    }
    ProvisioningGuard guard(env, amthi);
    speak_tls(
        env,
        provisioning_trust(env, http::AmtCertHash{amt_leaf.algorithm == amthi::HashAlgorithm::sha384
                                                      ? http::CertHashAlgorithm::sha384
                                                      : http::CertHashAlgorithm::sha256,
                                                  amt_leaf.hash}),
        client_certificate(chain));
    auto session = std::make_unique<WsmanSession>(env, lsa.username, lsa.password);
    auto general = wsman::get_general_settings(session->client());
    result.plan.push_back({"activation", "control mode", "pre-provisioning", "acm"});
    result.changed.push_back("activation");
    auto id = escrow_if_generated(escrow, resolved);
    auto set = wsman::set_admin_acl_entry_ex(
        session->client(), k_admin_user,
        crypto::digest_password_base64(k_admin_user, general.digest_realm, password));
    if (!set.ok()) {
        escrow.outcome(k_escrow_admin, id, profile::EscrowStatus::failed);
        throw Error(ErrorCategory::activation_failed,
                    fmt::format("AMT_AuthorizationService.SetAdminAclEntryEx returned {} during "
                                "Secure Host-Based Configuration; AMT was returned to "
                                "pre-provisioning",
                                set.describe()));
    }
    set_mebx_password(env, session->client(), profile, escrow, result);
    activate_and_record(
        amthi, escrow, id,
        // A lost answer is normal here (AMT restarts its services): the ME's control mode
        // decides.
        [&] { return wsman::commit_changes(session->client()); }, amthi::ControlMode::acm,
        "AMT_SetupAndConfigurationService.CommitChanges");
    guard.done();
    return open_provisioned_session(env, password, true, escrow, session->calls(),
                                    client_certificate(chain));
}

} // namespace

Activated activate_acm(Environment& env, amthi::Client& amthi, const DeviceState& device,
                       const profile::Profile& profile, RunMode mode, PasswordEscrow& escrow,
                       ConfigureResult& result) {
    if (device.tls_enforced) {
        return activate_acm_hbased(env, amthi, profile, mode, escrow, result);
    }
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
