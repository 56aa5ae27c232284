// Admin passwords from --password sources, and from the escrow file by the device's UUID.
#include "amtcfg/flows/admin_password.hpp"

#include "wsman_session.hpp"

#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret_input.hpp"
#include "amtcfg/wsman/setup.hpp"

#include <fmt/format.h>

namespace amtcfg::flows {

namespace {

// Whether AMT takes `password` for admin: one authenticated read.
bool admin_login_works(Environment& env, const Secret& password) {
    try {
        WsmanSession probe(env, "admin", password);
        wsman::get_general_settings(probe.client());
        return true;
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::auth_failed) {
            return false;
        }
        throw e.with_context("cannot tell whether AMT holds the admin password a run that did "
                             "not finish escrowed");
    }
}

} // namespace

Secret escrowed_admin_password(Environment& env, const std::string& path, const std::string& uuid) {
    auto contents = profile::load_escrow(path);
    profile::Escrow escrow(path, utc_timestamp);
    profile::EscrowRecord about{uuid, env.os.hostname(), std::string(k_escrow_admin)};
    for (const auto& candidate : contents.unresolved(uuid, k_escrow_admin)) {
        if (!candidate.record->value) {
            continue;
        }
        env.log.add_secret(candidate.record->value->reveal());
        bool works = admin_login_works(env, *candidate.record->value);
        escrow.record_outcome(about, candidate.record->id,
                              works ? profile::EscrowStatus::set : profile::EscrowStatus::failed);
        env.log.info("the admin password escrowed at {} (line {} of {}) by a run that did not "
                     "finish is {}: recorded as {}",
                     candidate.record->time, candidate.record->line, path,
                     works ? "AMT's" : "not AMT's", works ? "set" : "failed");
        if (works) {
            return candidate.record->value->clone();
        }
    }
    auto current = contents.current(uuid, k_escrow_admin);
    if (!current || !current->record->value) {
        throw Error(ErrorCategory::auth_failed,
                    fmt::format("the escrow file {} holds no admin password of this device (UUID "
                                "{}) marked set: pass the current one with --password env:NAME "
                                "or file:PATH",
                                path, uuid));
    }
    env.log.debug("the admin password is the one escrowed at {} (line {} of {})",
                  current->record->time, current->record->line, path);
    return current->record->value->clone();
}

Secret read_admin_password(Environment& env, const SecretSource& source, const std::string& uuid) {
    if (source.kind == SecretSourceKind::escrow) {
        if (source.location.empty()) {
            throw Error(ErrorCategory::usage, "escrow: needs the escrow file's path (escrow:FILE)");
        }
        return escrowed_admin_password(env, source.location, uuid);
    }
    return read_secret(source, "admin password");
}

} // namespace amtcfg::flows
