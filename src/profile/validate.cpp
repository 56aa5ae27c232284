// Cross-section checks of a parsed profile, and the list of secrets it names.
#include "amtcfg/util/error.hpp"
#include "sections.hpp"

namespace amtcfg::profile {

namespace {

[[noreturn]] void fail(const Profile& profile, int line, const std::string& message) {
    throw Error(ErrorCategory::invalid_input, fmt::format("{}: {}", profile.where(line), message));
}

void check_activation(const Profile& profile) {
    const Activation& activation = profile.activation;
    if (activation.mode == ActivationMode::ccm) {
        if (activation.mebx_password) {
            fail(profile, activation.mebx_password->line,
                 "<mebx-password> needs mode=\"acm\": AMT does not let a client control mode "
                 "(ccm) activation set the MEBx password (remove it or use mode=\"acm\")");
        }
        if (activation.provisioning_certificate) {
            fail(profile, activation.provisioning_certificate->line,
                 "<provisioning-certificate> is only used with mode=\"acm\" (remove it, or use "
                 "mode=\"acm\" for admin control mode)");
        }
        if (profile.redirection && profile.redirection->user_consent &&
            *profile.redirection->user_consent != UserConsent::all) {
            fail(profile, profile.redirection->line,
                 fmt::format("user-consent=\"{}\" needs mode=\"acm\": in client control mode "
                             "AMT always asks the user to consent to KVM, SOL and IDE-R (use "
                             "user-consent=\"all\" or mode=\"acm\")",
                             to_string(*profile.redirection->user_consent)));
        }
    } else if (!activation.provisioning_certificate) {
        fail(profile, activation.line,
             "mode=\"acm\" needs a <provisioning-certificate file=\"...\" "
             "password-source=\"...\"/> inside <activation> (the certificate that proves this "
             "setup is authorised)");
    }
}

void check_network(const Profile& profile) {
    if (!profile.network || !profile.network->dhcp || !profile.network->ip_sync) {
        return;
    }
    if (*profile.network->dhcp && !*profile.network->ip_sync) {
        fail(profile, profile.network->line,
             "dhcp=\"true\" with ip-sync=\"false\" is not a mode AMT has: with DHCP, AMT "
             "follows the host's address (use ip-sync=\"true\" or leave it out)");
    }
    if (!*profile.network->dhcp && !*profile.network->ip_sync) {
        fail(profile, profile.network->line,
             "dhcp=\"false\" with ip-sync=\"false\" would need a static address, which profiles "
             "do not carry (use ip-sync=\"true\" to share the host's static address)");
    }
}

void check_tls(const Profile& profile) {
    if (!profile.tls) {
        if (profile.maintenance && profile.maintenance->renew_certificate_days.value_or(0) > 0) {
            fail(profile, profile.maintenance->line,
                 "renew-certificate-days needs a <tls> section (without TLS there is no "
                 "certificate to renew)");
        }
        return;
    }
    const Tls& tls = *profile.tls;
    if (tls.mode == TlsMode::mutual && tls.trusted_root.empty()) {
        fail(profile, tls.line,
             "mode=\"mutual\" on <tls> needs trusted-root=\"FILE\" (the PEM CA certificate that "
             "client certificates must chain to)");
    }
    if (tls.mode == TlsMode::server && (!tls.trusted_root.empty() || !tls.trusted_cn.empty())) {
        fail(profile, tls.line,
             "trusted-root and trusted-cn on <tls> are for mode=\"mutual\" (remove them or use "
             "mode=\"mutual\")");
    }
}

void check_secrets(const Profile& profile, const ParseOptions& options) {
    const SecretUse* from_stdin = nullptr;
    for (const auto& use : secrets_of(profile)) {
        auto kind = use.setting->source.kind;
        if (kind == SecretSourceKind::standard_input) {
            if (from_stdin != nullptr) {
                fail(profile, use.setting->line,
                     fmt::format("the {} and the {} (line {}) both come from stdin, which can "
                                 "carry only one secret (use env:NAME or file:PATH for one)",
                                 use.what, from_stdin->what, from_stdin->setting->line));
            }
            from_stdin = &use;
        }
        if (kind == SecretSourceKind::random && options.escrow == EscrowTarget::missing) {
            fail(profile, use.setting->line,
                 fmt::format("the {} is source=\"random\", which needs --escrow FILE to keep the "
                             "generated password (add --escrow FILE, or use env:NAME or "
                             "file:PATH)",
                             use.what));
        }
    }
    if (profile.maintenance && profile.maintenance->rotate_password_days.value_or(0) > 0 &&
        options.escrow == EscrowTarget::missing) {
        fail(profile, profile.maintenance->line,
             "rotate-password-days generates new passwords, which needs --escrow FILE to keep "
             "them (add --escrow FILE, or set rotate-password-days=\"0\")");
    }
}

} // namespace

std::vector<SecretUse> secrets_of(const Profile& profile) {
    std::vector<SecretUse> out;
    const Activation& activation = profile.activation;
    out.push_back({"admin password", &activation.admin_password});
    if (activation.mebx_password) {
        out.push_back({"MEBx password", &*activation.mebx_password});
    }
    if (activation.provisioning_certificate) {
        out.push_back(
            {"provisioning certificate password", &activation.provisioning_certificate->password});
    }
    if (profile.tls) {
        const Issuer& issuer = profile.tls->issuer;
        for (const auto* setting : {&issuer.ca_key_password, &issuer.challenge, &issuer.secret}) {
            if (*setting) {
                out.push_back({"TLS issuer secret", &**setting});
            }
        }
    }
    for (const auto& user : profile.users) {
        out.push_back({"password of user " + user.name, &user.password});
    }
    return out;
}

bool needs_escrow(const Profile& profile) {
    for (const auto& use : secrets_of(profile)) {
        if (use.setting->source.kind == SecretSourceKind::random) {
            return true;
        }
    }
    return profile.maintenance && profile.maintenance->rotate_password_days.value_or(0) > 0;
}

void validate(const Profile& profile, const ParseOptions& options) {
    check_activation(profile);
    check_network(profile);
    check_tls(profile);
    check_secrets(profile, options);
}

} // namespace amtcfg::profile
