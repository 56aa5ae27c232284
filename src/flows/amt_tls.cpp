// Choosing the trust for AMT's TLS certificate in each phase, and reading the pin.
#include "amtcfg/flows/amt_tls.hpp"

#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace amtcfg::flows {

namespace {

constexpr std::string_view k_pin_prefix = "sha256:";

// The pin of `uuid` in the escrow file and where it came from, if there is one.
std::optional<std::pair<Bytes, std::string>> escrowed_pin(const std::string& escrow_path,
                                                          const std::string& uuid) {
    std::error_code error;
    if (!std::filesystem::exists(escrow_path, error)) {
        return std::nullopt; // nothing escrowed yet (maintain creates it when it first writes)
    }
    profile::EscrowContents contents = profile::load_escrow(escrow_path);
    auto pin = contents.current(uuid, k_escrow_tls_pin);
    if (!pin || !pin->record->value) {
        return std::nullopt;
    }
    std::string_view text = pin->record->value->reveal();
    std::optional<Bytes> hash;
    if (text.starts_with(k_pin_prefix)) {
        try {
            hash = from_hex(text.substr(k_pin_prefix.size()));
        } catch (const DecodeError&) {
        }
    }
    if (!hash || hash->size() != 32) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} line {}: the pinned AMT certificate is not \"sha256:\" and 64 "
                                "hex digits",
                                escrow_path, pin->record->line));
    }
    return std::pair{std::move(*hash), fmt::format("the certificate pinned in {} on {}",
                                                   escrow_path, pin->status_time())};
}

} // namespace

std::shared_ptr<const http::AmtTrust>
provisioning_trust(Environment& env, std::optional<http::AmtCertHash> amt_leaf) {
    std::shared_ptr<const http::AmtTrust> trust;
    if (env.tls.ondie_root_file.empty()) {
        ByteView root = http::intel_ondie_root();
        trust = http::ondie_trust(Bytes(root.begin(), root.end()), "Intel's On-Die CA root",
                                  std::move(amt_leaf));
    } else {
        auto roots = http::load_certificates_file(env.tls.ondie_root_file);
        if (roots.size() != 1) {
            throw Error(ErrorCategory::usage,
                        fmt::format("--amt-ondie-root {} holds {} certificates; give the one root "
                                    "certificate that replaces Intel's On-Die CA root",
                                    env.tls.ondie_root_file, roots.size()));
        }
        env.log.warning("verifying AMT's On-Die CA chain to {} instead of Intel's root "
                        "(--amt-ondie-root: for labs and tests only)",
                        env.tls.ondie_root_file);
        trust = http::ondie_trust(std::move(roots.front()),
                                  fmt::format("--amt-ondie-root {}", env.tls.ondie_root_file),
                                  std::move(amt_leaf));
    }
    if (env.tls.insecure) {
        return http::insecure_trust(std::move(trust));
    }
    return trust;
}

std::shared_ptr<const http::AmtTrust>
provisioned_trust(Environment& env, const std::string& uuid,
                  const std::optional<std::string>& escrow_path,
                  std::shared_ptr<const http::AmtTrust> profile_trust) {
    if (!env.tls.ca_file.empty() || profile_trust) {
        auto trust = env.tls.ca_file.empty() ? std::move(profile_trust) : amt_ca_trust(env);
        return env.tls.insecure ? http::insecure_trust(std::move(trust)) : trust;
    }
    if (escrow_path) {
        if (auto pin = escrowed_pin(*escrow_path, uuid)) {
            auto trust = http::pinned_trust(std::move(pin->first), std::move(pin->second));
            return env.tls.insecure ? http::insecure_trust(std::move(trust)) : trust;
        }
    }
    if (env.tls.insecure) {
        env.log.warning("AMT's TLS certificate will NOT be verified (--amt-insecure)");
        return http::insecure_trust();
    }
    throw Error(ErrorCategory::tls_failed,
                fmt::format("AMT {} is provisioned and takes only TLS on its local ports, and "
                            "amtcfg has nothing to "
                            "verify its certificate against: give --amt-ca FILE (the CA that "
                            "issued AMT's certificate, or the certificate itself), or the escrow "
                            "file of the configure run that pinned it{}, or accept it unverified "
                            "with --amt-insecure",
                            uuid,
                            escrow_path
                                ? fmt::format(" ({} holds no pin for this device)", *escrow_path)
                                : std::string(" (--escrow FILE, or --password escrow:FILE)")));
}

std::shared_ptr<const http::AmtTrust> just_provisioned_trust(Environment& env) {
    if (!env.tls.ca_file.empty()) {
        return amt_ca_trust(env);
    }
    return http::first_use_trust("the configure run that provisioned it over a verified session");
}

std::shared_ptr<http::TlsContext> speak_tls(Environment& env,
                                            std::shared_ptr<const http::AmtTrust> trust,
                                            std::optional<http::ClientCertificate> client) {
    env.log.debug("tls: verifying AMT's certificate with {}", trust->describe());
    auto context = std::make_shared<http::TlsContext>(std::move(trust), std::move(client));
    if (!env.use_tls) {
        throw Error(ErrorCategory::internal, "no WS-Man link to switch to TLS");
    }
    env.use_tls(context);
    return context;
}

std::shared_ptr<const http::AmtTrust> amt_ca_trust(Environment& env) {
    auto anchors = http::load_certificates_file(env.tls.ca_file);
    return http::anchor_trust(std::move(anchors), fmt::format("--amt-ca {}", env.tls.ca_file));
}

bool tls_expected(Environment& env, const std::string& uuid,
                  const std::optional<std::string>& escrow_path) {
    if (!env.tls.ca_file.empty() || (escrow_path && escrowed_pin(*escrow_path, uuid))) {
        return true;
    }
    return env.local_tls_only && env.local_tls_only();
}

std::optional<std::string> escrow_file_of(const SecretSource& source) {
    if (source.kind == SecretSourceKind::escrow) {
        return source.location;
    }
    return std::nullopt;
}

std::string pin_text(ByteView leaf_sha256) {
    return std::string(k_pin_prefix) + to_hex(leaf_sha256);
}

std::string pin_text(const http::TlsContext& tls) {
    const auto& verdict = tls.last_verdict();
    if (!verdict || verdict->leaf_sha256.empty()) {
        return {};
    }
    return pin_text(verdict->leaf_sha256);
}

} // namespace amtcfg::flows
