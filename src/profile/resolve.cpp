// Resolution of profile secrets: util's read_secret for sources, the CSPRNG for "random".
#include "amtcfg/profile/resolve.hpp"

#include "amtcfg/profile/password.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <fmt/format.h>

namespace amtcfg::profile {

Secret read_profile_secret(const Profile& profile, const SecretSetting& setting,
                           std::string_view what) {
    if (setting.source.kind == SecretSourceKind::random) {
        throw Error(ErrorCategory::internal,
                    fmt::format("{}: the {} is generated, not read (call resolve_amt_password)",
                                profile.where(setting.line), what));
    }
    try {
        return read_secret(setting.source, what);
    } catch (const Error& error) {
        throw error.with_context(profile.where(setting.line));
    }
}

ResolvedPassword resolve_amt_password(const Profile& profile, const SecretSetting& setting,
                                      std::string_view what) {
    if (setting.source.kind == SecretSourceKind::random) {
        return {generate_password(), PasswordOrigin::generated};
    }
    Secret value = read_profile_secret(profile, setting, what);
    if (auto broken = password_rule_broken(value)) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{}: the {} from {} {} (AMT needs 8 to 32 characters with upper- "
                                "and lower-case letters, a digit and a symbol, without \" : ,; "
                                "or use source=\"random\" with --escrow)",
                                profile.where(setting.line), what, describe(setting.source),
                                *broken));
    }
    return {std::move(value), PasswordOrigin::from_source};
}

crypto::ProvisioningChain load_provisioning_certificate(const Profile& profile) {
    const auto& certificate = profile.activation.provisioning_certificate;
    if (!certificate) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{}: the profile has no <provisioning-certificate> (ACM needs "
                                "one)",
                                profile.where(profile.activation.line)));
    }
    Secret password =
        read_profile_secret(profile, certificate->password, "provisioning certificate password");
    try {
        return crypto::load_pkcs12_file(certificate->file, password);
    } catch (const Error& error) {
        throw error.with_context(profile.where(certificate->line));
    }
}

} // namespace amtcfg::profile
