// The users step: add the profile's digest users that AMT does not have yet.
#include "amtcfg/crypto/digest.hpp"
#include "profile_steps.hpp"

#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace amtcfg::flows {

namespace {

// AMT_AuthorizationService realm numbers: the profile's realms are listed in the SDK's order,
// which starts at 2 (Redirection) and counts up (reference/wsman.md, AddUserAclEntryEx).
std::uint32_t realm_number(profile::Realm realm) {
    return 2U + static_cast<std::uint32_t>(realm);
}

std::set<std::string> existing_users(wsman::Client& client) {
    auto handles = wsman::enumerate_user_acl_entries(client);
    require_success(handles.result, "AMT_AuthorizationService.EnumerateUserAclEntries");
    std::set<std::string> names;
    for (auto handle : handles.handles) {
        auto entry = wsman::get_user_acl_entry_ex(client, handle);
        require_success(entry.result, "AMT_AuthorizationService.GetUserAclEntryEx");
        names.insert(entry.username);
    }
    return names;
}

} // namespace

void run_user_steps(StepContext& c, const profile::Profile& profile) {
    auto names = existing_users(c.wsman);
    std::vector<const profile::User*> missing;
    for (const auto& user : profile.users) {
        if (names.count(user.name) == 0) {
            c.result.plan.push_back({"users", "user " + user.name, "absent", "present"});
            missing.push_back(&user);
        }
    }
    if (missing.empty()) {
        c.result.unchanged.push_back("users");
        return;
    }
    c.result.changed.push_back("users");
    if (c.mode == RunMode::dry_run) {
        return;
    }
    if (!c.general) {
        c.general = wsman::get_general_settings(c.wsman);
    }
    for (const auto* user : missing) {
        auto password = profile::resolve_amt_password(profile, user->password,
                                                      "password of user " + user->name);
        c.log.add_secret(password.value.reveal());
        if (password.origin == profile::PasswordOrigin::generated) {
            c.escrow.record("user:" + user->name, password.value);
        }
        std::vector<std::uint32_t> realms;
        for (auto realm : user->realms) {
            realms.push_back(realm_number(realm));
        }
        auto added = wsman::add_user_acl_entry_ex(
            c.wsman, user->name,
            crypto::digest_password_base64(user->name, c.general->digest_realm, password.value),
            wsman::AccessPermission::any, realms);
        require_success(added.result,
                        fmt::format("AMT_AuthorizationService.AddUserAclEntryEx ({})", user->name));
    }
}

} // namespace amtcfg::flows
