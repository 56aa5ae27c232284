// Admin password rotation: escrow first, then SetAdminAclEntryEx, then prove the new password.
#include "maintain_checks.hpp"

#include "amtcfg/crypto/digest.hpp"
#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>

#include <functional>

namespace amtcfg::flows {

namespace {

constexpr std::time_t k_day = 24 * 60 * 60;

// Parses the escrow's "2026-11-23T13:13:25.123Z" (util::utc_timestamp) as UTC.
std::optional<std::time_t> parse_time(const std::string& text) {
    std::tm tm{};
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return ::timegm(&tm);
}

// Whether rotation is due by the profile's schedule; `why` says why or why not. Only a password
// proved set counts: one that was escrowed and never took does not restart the schedule.
bool schedule_due(MaintainContext& c, std::string& why) {
    unsigned days = 0;
    if (c.options.profile && c.options.profile->maintenance) {
        days = c.options.profile->maintenance->rotate_password_days.value_or(0);
    }
    // Kept alive while `current` points into it.
    auto escrow = profile::load_escrow(*c.options.escrow_path);
    auto current = escrow.current(c.device.uuid, k_escrow_admin);
    auto last = current ? parse_time(current->status_time()) : std::nullopt;
    if (!last) {
        why = "no earlier password of this device is marked set in the escrow file";
        return true;
    }
    auto age = (c.env.now() - *last) / k_day;
    why = fmt::format("the escrowed password is {} days old (rotate every {} days)", age, days);
    return age >= static_cast<std::time_t>(days);
}

// Whether AMT, whose reply to SetAdminAclEntryEx was lost, took the new password: logging in
// with it tells (as configure checks the control mode after a lost Setup reply).
bool new_password_taken(MaintainContext& c, const Secret& fresh, const Error& lost) {
    try {
        auto probe = std::make_unique<WsmanSession>(c.env, "admin", fresh);
        wsman::get_general_settings(probe->client());
        // The proof the rotation needs: go on in this session instead of logging in again.
        c.calls_before += c.session->calls();
        c.session = std::move(probe);
        return true;
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::auth_failed) {
            return false;
        }
        throw lost.with_context("AMT's reply to SetAdminAclEntryEx was lost and amtcfg could not "
                                "tell whether the new password took effect: try the newest one "
                                "in the escrow file, then the old one");
    }
}

// Sets the new password; returns a note for the detail when AMT's reply was lost. `failed` is
// called when AMT is proved to have kept the old password.
std::string set_new_password(MaintainContext& c, const Secret& fresh, const std::string& realm,
                             const std::function<void()>& failed) {
    std::string outcome;
    try {
        auto set = wsman::set_admin_acl_entry_ex(
            c.wsman(), "admin", crypto::digest_password_base64("admin", realm, fresh));
        if (set.ok()) {
            return {};
        }
        outcome = fmt::format("returned {}", set.describe());
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::wsman_unreachable &&
            e.category() != ErrorCategory::amt_unavailable) {
            throw;
        }
        if (new_password_taken(c, fresh, e)) {
            return " (AMT's reply was lost; the new password works)";
        }
        outcome = fmt::format("got no answer ({})", e.what());
    }
    failed();
    throw Error(ErrorCategory::maintenance_failed,
                fmt::format("AMT_AuthorizationService.SetAdminAclEntryEx {}; the old password is "
                            "still valid (the unused new one stays in the escrow file, marked by "
                            "its time)",
                            outcome));
}

} // namespace

MaintenanceCheck rotate_password(MaintainContext& c) {
    MaintenanceCheck check{"password", false, false, {}};
    if (!c.options.escrow_path) {
        throw Error(ErrorCategory::usage,
                    "password rotation needs --escrow FILE: the new password is written there "
                    "before it is set in AMT");
    }
    // Creates the file when missing, and refuses an unsafe one before anything else.
    profile::Escrow(*c.options.escrow_path, utc_timestamp).check();
    std::string why = "--rotate-password was given";
    check.due = c.options.rotate_password || schedule_due(c, why);
    check.detail = why;
    if (!check.due) {
        return check;
    }
    Secret fresh = c.env.new_password();
    c.env.log.add_secret(fresh.reveal());
    const auto& realm = c.general_settings().digest_realm;
    profile::Escrow escrow(*c.options.escrow_path, utc_timestamp);
    profile::EscrowRecord about{c.device.uuid, c.env.os.hostname(), std::string(k_escrow_admin)};
    auto id = escrow.record(about, fresh);
    std::string note = set_new_password(
        c, fresh, realm, [&] { escrow.record_outcome(about, id, profile::EscrowStatus::failed); });
    if (note.empty()) {
        // From here on only the new password works: prove it before calling the rotation done
        // (after a lost reply, set_new_password has proved it already). Should this fail, the
        // record stays pending and the next run's login decides.
        c.calls_before += c.session->calls();
        c.session = std::make_unique<WsmanSession>(c.env, "admin", fresh);
        wsman::get_general_settings(c.wsman());
    }
    escrow.record_outcome(about, id, profile::EscrowStatus::set);
    check.done = true;
    check.detail += fmt::format("; rotated, the new password is in {}{}", escrow.path(), note);
    return check;
}

} // namespace amtcfg::flows
