// <tls>: the certificate from the profile's CA into AMT, the TLS settings, and the proof over TLS
// that AMT serves it (reference/wsman.md section 8).
#include "tls_step.hpp"

#include "amtcfg/ca/issuer.hpp"
#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/crypto/csr.hpp"
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/http/amt_trust.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/maintenance.hpp"
#include "amtcfg/wsman/setup.hpp"
#include "amtcfg/wsman/tls.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace amtcfg::flows {

namespace {

constexpr std::string_view k_step = "tls";
constexpr std::uint32_t k_key_bits = 2048;
// AMT restarts its TLS service after CommitChanges; how long amtcfg waits for the new
// certificate at most (within --timeout), and the first pause of the backoff.
constexpr std::chrono::milliseconds k_ready_limit{30'000};
constexpr std::chrono::milliseconds k_first_pause{50};

struct Names {
    std::string common_name;
    std::vector<std::string> dns_names;
};

// The profile's names, else the host's FQDN as CN and FQDN + short name as SANs.
Names wanted_names(Environment& env, const profile::Tls& tls) {
    std::string host = env.os.hostname();
    std::string domain = env.os.domain();
    std::string fqdn = domain.empty() ? host : host + "." + domain;
    Names names{tls.common_name.empty() ? fqdn : tls.common_name, tls.dns_names};
    if (names.dns_names.empty()) {
        names.dns_names.push_back(fqdn);
        if (fqdn != host) {
            names.dns_names.push_back(host);
        }
    }
    return names;
}

bool same_set(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

Error step_failed(std::string_view what, const wsman::MethodResult& result) {
    return Error(ErrorCategory::config_step_failed,
                 fmt::format("step \"tls\" failed: {} returned {}", what, result.describe()));
}

// What AMT has now, read once.
struct Current {
    std::vector<wsman::PublicKeyCertificate> certificates;
    std::optional<wsman::TlsCredentialContext> context;
    std::optional<wsman::PublicKeyCertificate> bound; // the credential context's certificate
    std::optional<crypto::Certificate> parsed;        // `bound`, read
    std::optional<wsman::TlsSettingData> remote;
    std::optional<wsman::TlsSettingData> local;
};

Current read_current(wsman::Client& client) {
    Current current;
    current.certificates = wsman::enumerate_public_key_certificates(client);
    auto contexts = wsman::enumerate_tls_credential_contexts(client);
    if (!contexts.empty()) {
        current.context = contexts.front();
    }
    for (const auto& certificate : current.certificates) {
        if (current.context &&
            certificate.instance_id == current.context->certificate_instance_id) {
            current.bound = certificate;
            try {
                current.parsed = crypto::parse_certificate(
                    crypto::base64_decode(certificate.x509_certificate), "AMT's TLS certificate");
            } catch (const std::exception&) {
                current.parsed.reset(); // unreadable: replaced like a wrong one
            }
        }
    }
    for (auto& settings : wsman::enumerate_tls_setting_data(client)) {
        if (settings.instance_id.find("802.3") != std::string::npos) {
            current.remote = std::move(settings);
        } else if (settings.instance_id.find("LMS") != std::string::npos) {
            current.local = std::move(settings);
        }
    }
    return current;
}

// Why the bound certificate must be replaced, or nullopt when it is good.
std::optional<std::string> certificate_problem(const Current& current, const Names& names,
                                               const http::AmtTrust& trust, std::time_t now,
                                               unsigned renew_days) {
    if (!current.bound) {
        return "AMT has no TLS certificate";
    }
    if (!current.parsed) {
        return "AMT's TLS certificate cannot be read";
    }
    const auto& certificate = *current.parsed;
    if (certificate.common_name != names.common_name ||
        !same_set(certificate.dns_names, names.dns_names)) {
        return fmt::format("AMT's certificate names {} ({}), not {} ({})", certificate.common_name,
                           fmt::join(certificate.dns_names, ", "), names.common_name,
                           fmt::join(names.dns_names, ", "));
    }
    auto due = std::chrono::system_clock::from_time_t(now) + std::chrono::hours(24) * renew_days;
    if (certificate.not_after <= due) {
        return fmt::format("AMT's certificate expires {}",
                           crypto::format_utc(certificate.not_after));
    }
    auto verdict = trust.judge({certificate.der});
    if (!verdict.accepted) {
        return fmt::format("AMT's certificate is not from {}: {}", trust.describe(), verdict.check);
    }
    return std::nullopt;
}

// The remote TLS settings the profile wants, over what AMT has (reference section 8 step 10).
wsman::TlsSettingData wanted_settings(const wsman::TlsSettingData& current,
                                      const profile::Tls& tls) {
    wsman::TlsSettingData wanted = current;
    wanted.enabled = true;
    wanted.mutual_authentication = tls.mode == profile::TlsMode::mutual;
    wanted.accept_non_secure_connections =
        current.non_secure_connections_supported.value_or(true) && tls.allow_non_tls;
    wanted.trusted_cn = wanted.mutual_authentication ? tls.trusted_cn : std::vector<std::string>{};
    return wanted;
}

bool settings_match(const wsman::TlsSettingData& a, const wsman::TlsSettingData& b) {
    return a.enabled == b.enabled && a.mutual_authentication == b.mutual_authentication &&
           a.accept_non_secure_connections == b.accept_non_secure_connections &&
           same_set(a.trusted_cn, b.trusted_cn);
}

// The new certificate: key pair in AMT, request signed by AMT, issued by the CA, added. A CA
// failure deletes the key pair it was for.
struct Installed {
    std::string certificate_id;
    Bytes der;
};

Installed new_certificate(Environment& env, wsman::Client& client, const Names& names,
                          ca::Issuer& issuer) {
    auto key = wsman::generate_key_pair(client, k_key_bits);
    if (!key.result.ok() || key.instance_id.empty()) {
        throw step_failed("AMT_PublicKeyManagementService.GenerateKeyPair", key.result);
    }
    auto delete_key = [&] {
        try {
            wsman::delete_public_private_key_pair(client, key.instance_id);
        } catch (const Error& e) {
            env.log.warning("cannot delete the key pair AMT generated for the certificate ({}): "
                            "{}",
                            key.instance_id, e.what());
        }
    };
    try {
        std::string public_key;
        for (const auto& pair : wsman::enumerate_public_private_key_pairs(client)) {
            if (pair.instance_id == key.instance_id) {
                public_key = pair.der_key;
            }
        }
        if (public_key.empty()) {
            throw Error(ErrorCategory::config_step_failed,
                        fmt::format("step \"tls\" failed: AMT does not list the key pair it "
                                    "generated ({})",
                                    key.instance_id));
        }
        crypto::RequestContent content{names.common_name, names.dns_names, {}};
        for (auto& attribute : issuer.csr_attributes()) {
            env.log.add_secret(attribute.value.reveal());
            content.attributes.push_back({attribute.oid, std::move(attribute.value)});
        }
        Bytes request = crypto::null_signed_request(crypto::base64_decode(public_key), content);
        auto signed_request = wsman::generate_pkcs10_request_ex(
            client, key.instance_id, crypto::base64_encode(request), wsman::CsrSigning::sha256_rsa);
        wipe_bytes(request);
        if (!signed_request.result.ok()) {
            throw step_failed("AMT_PublicKeyManagementService.GeneratePKCS10RequestEx",
                              signed_request.result);
        }
        if (env.progress) {
            env.progress(fmt::format("asking {} for AMT's TLS certificate", issuer.describe()));
        }
        auto issued =
            issuer.issue({crypto::base64_decode(signed_request.signed_certificate_request),
                          "CN=" + names.common_name});
        auto added = wsman::add_certificate(client, crypto::base64_encode(issued.certificate_der));
        if (!added.result.ok() || added.instance_id.empty()) {
            throw step_failed("AMT_PublicKeyManagementService.AddCertificate", added.result);
        }
        return {added.instance_id, std::move(issued.certificate_der)};
    } catch (...) {
        delete_key();
        throw;
    }
}

// What AMT's certificate is verified against: the issuer's CA, else --amt-ca.
std::shared_ptr<const http::AmtTrust> issuer_trust(Environment& env, ca::Issuer& issuer) {
    auto anchors = issuer.trust_anchors();
    if (!anchors.empty()) {
        return http::anchor_trust(std::move(anchors), issuer.describe());
    }
    if (!env.tls.ca_file.empty()) {
        return amt_ca_trust(env);
    }
    throw Error(ErrorCategory::invalid_input,
                fmt::format("{} names no CA certificate to verify AMT's new certificate against: "
                            "add trusted-ca to the <issuer>, or pass --amt-ca FILE",
                            issuer.describe()));
}

// Opens sessions over TLS to 16993 until AMT serves `certificate`, verified by `trust`.
TlsOutcome verify_served(Environment& env, WsmanSession& session,
                         const std::shared_ptr<const http::AmtTrust>& trust,
                         const Bytes& certificate) {
    auto wanted = crypto::fingerprint(certificate, crypto::HashAlgorithm::sha256);
    auto parsed = crypto::parse_certificate(certificate, "the issued certificate");
    auto limit = std::chrono::steady_clock::now() + k_ready_limit;
    auto pause = k_first_pause;
    std::string last;
    for (;;) {
        // AMT's local ports take only TLS now: the sessions after this one use it too.
        auto tls = std::make_shared<http::TlsContext>(trust);
        env.use_tls(tls);
        try {
            auto probe = session.sibling(env);
            wsman::get_general_settings(probe->client());
            const auto& verdict = tls->last_verdict();
            if (verdict && verdict->leaf_sha256 == wanted) {
                return {true, parsed.subject, parsed.issuer, crypto::format_utc(parsed.not_after)};
            }
            last = "AMT still serves another certificate";
        } catch (const Error& e) {
            if (e.category() == ErrorCategory::timed_out ||
                e.category() == ErrorCategory::auth_failed) {
                throw;
            }
            last = e.what();
        }
        env.deadline.check("waiting for AMT to serve its new TLS certificate");
        if (std::chrono::steady_clock::now() + pause > limit) {
            throw Error(ErrorCategory::config_step_failed,
                        fmt::format("step \"tls\" failed: AMT did not serve the new certificate "
                                    "over TLS within {} s after CommitChanges ({})",
                                    k_ready_limit.count() / 1000, last));
        }
        // A bounded backoff while AMT restarts its TLS service, not an idle timer.
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(2'000));
    }
}

// The certificate the new one replaced, and its key pair: out of use now.
void remove_replaced(Environment& env, wsman::Client& client,
                     const wsman::PublicKeyCertificate& old,
                     const std::optional<crypto::Certificate>& parsed) {
    try {
        wsman::delete_public_key_certificate(client, old.instance_id);
        Bytes key = parsed ? crypto::rsa_public_key_of_certificate(parsed->der) : Bytes{};
        for (const auto& pair : wsman::enumerate_public_private_key_pairs(client)) {
            if (!key.empty() && crypto::base64_decode(pair.der_key) == key) {
                wsman::delete_public_private_key_pair(client, pair.instance_id);
            }
        }
    } catch (const Error& e) {
        env.log.warning("cannot delete AMT's previous TLS certificate or its key pair: {}",
                        e.what());
    }
}

std::unique_ptr<ca::Issuer> make_profile_issuer(Environment& env, const profile::Profile& profile) {
    return ca::make_issuer(
        profile.tls->issuer,
        {env.log, env.deadline,
         [&profile](const profile::SecretSetting& setting, std::string_view what) {
             return profile::read_profile_secret(profile, setting, what);
         }});
}

} // namespace

std::shared_ptr<const http::AmtTrust> profile_tls_trust(Environment& env,
                                                        const profile::Profile& profile) {
    if (!profile.tls) {
        return nullptr;
    }
    auto issuer = make_profile_issuer(env, profile);
    auto anchors = issuer->trust_anchors();
    return anchors.empty() ? nullptr : http::anchor_trust(std::move(anchors), issuer->describe());
}

void run_tls_step(Environment& env, WsmanSession& session, const profile::Profile& profile,
                  RunMode mode, PasswordEscrow& escrow, ConfigureResult& result) {
    const profile::Tls& tls = *profile.tls;
    auto issuer = make_profile_issuer(env, profile);
    auto trust = issuer_trust(env, *issuer);
    auto& client = session.client();
    Names names = wanted_names(env, tls);
    Current current = read_current(client);
    if (!current.remote || !current.local) {
        throw Error(ErrorCategory::config_step_failed,
                    "step \"tls\" failed: AMT does not list both AMT_TLSSettingData instances "
                    "(802.3 and LMS)");
    }
    unsigned renew_days =
        profile.maintenance ? profile.maintenance->renew_certificate_days.value_or(0) : 0;
    auto problem = certificate_problem(current, names, *trust, env.now(), renew_days);
    auto wanted = wanted_settings(*current.remote, tls);
    // Local connections take TLS too (wsman.md section 8 step 12), so amtcfg verifies what AMT
    // serves; later runs find AMT that way (see tls_expected).
    auto wanted_local = *current.local;
    wanted_local.enabled = true;
    bool settings_due = !settings_match(*current.remote, wanted) || !current.local->enabled;
    if (!problem && !settings_due) {
        result.unchanged.push_back(std::string(k_step));
        return;
    }
    if (problem) {
        result.plan.push_back(
            {std::string(k_step), "certificate", *problem,
             fmt::format("CN={} from {}", names.common_name, issuer->describe())});
    }
    if (settings_due) {
        result.plan.push_back({std::string(k_step), "remote TLS",
                               current.remote->enabled ? "enabled" : "disabled",
                               tls.mode == profile::TlsMode::mutual ? "mutual" : "server"});
    }
    result.changed.push_back(std::string(k_step));
    if (mode == RunMode::dry_run) {
        return;
    }
    std::optional<Installed> installed;
    if (problem) {
        installed = new_certificate(env, client, names, *issuer);
        if (tls.mode == profile::TlsMode::mutual && !tls.trusted_root.empty()) {
            for (const auto& root : http::load_certificates_file(tls.trusted_root)) {
                auto added =
                    wsman::add_trusted_root_certificate(client, crypto::base64_encode(root));
                if (!added.result.ok() && added.result.return_value != 2058) { // DUPLICATE
                    throw step_failed("AMT_PublicKeyManagementService.AddTrustedRootCertificate",
                                      added.result);
                }
            }
        }
        if (current.context) {
            wsman::put_tls_credential_context(client, *current.context, installed->certificate_id);
        } else {
            wsman::create_tls_credential_context(client, installed->certificate_id);
        }
    }
    if (settings_due) {
        if (tls.mode == profile::TlsMode::mutual) {
            // Mutual authentication needs AMT's clock set (wsman.md section 8 step 8).
            auto ta0 = wsman::get_low_accuracy_time_synch(client);
            auto now = static_cast<std::uint32_t>(env.now());
            auto synced = wsman::set_high_accuracy_time_synch(client, ta0.ta0, now, now);
            if (!synced.ok()) {
                throw step_failed("AMT_TimeSynchronizationService.SetHighAccuracyTimeSynch",
                                  synced);
            }
        }
        wsman::put_tls_setting_data(client, wanted);
        wsman::put_tls_setting_data(client, wanted_local);
    }
    auto committed = wsman::commit_changes(client);
    if (!committed.ok()) {
        throw step_failed("AMT_SetupAndConfigurationService.CommitChanges", committed);
    }
    Bytes served = installed ? installed->der : current.parsed->der;
    result.tls = verify_served(env, session, trust, served);
    if (installed && current.bound) {
        remove_replaced(env, client, *current.bound, current.parsed);
    }
    // Later runs verify the certificate AMT now serves by this pin (TLS-enforced AMT 19+).
    escrow.record_in_effect(
        k_escrow_tls_pin,
        Secret(pin_text(crypto::fingerprint(served, crypto::HashAlgorithm::sha256))));
}

} // namespace amtcfg::flows
