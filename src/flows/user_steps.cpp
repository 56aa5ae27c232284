// The users step: add the profile's digest users AMT lacks and give existing ones the profile's
// realms; passwords of existing users are left alone (AMT never returns them to compare).
#include "amtcfg/crypto/digest.hpp"
#include "profile_steps.hpp"

#include "amtcfg/profile/resolve.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace amtcfg::flows {

namespace {

// AMT_AuthorizationService RealmValues: 2 RedirectionRealm, 3 PTAdministrationRealm, … 21
// ACLRealm, in the order of profile::Realm (tests/sim/README.md, "The user ACL").
constexpr std::uint32_t k_first_realm = 2;
constexpr std::uint32_t k_realm_count = 20;
// Every profile user gets network and local access; the profile has no setting for it.
constexpr auto k_access = wsman::AccessPermission::any;

std::uint32_t realm_number(profile::Realm realm) {
    return k_first_realm + static_cast<std::uint32_t>(realm);
}

std::string realm_name(std::uint32_t number) {
    if (number < k_first_realm || number >= k_first_realm + k_realm_count) {
        return std::to_string(number);
    }
    return std::string(profile::to_string(static_cast<profile::Realm>(number - k_first_realm)));
}

std::string realm_list(const std::set<std::uint32_t>& realms) {
    std::vector<std::string> names;
    for (auto realm : realms) {
        names.push_back(realm_name(realm));
    }
    return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ","));
}

std::string_view access_name(std::uint32_t access) {
    constexpr std::array<std::string_view, 3> k_names{"local", "network", "any"};
    return access < k_names.size() ? k_names.at(access) : "unknown";
}

struct AmtUser {
    std::uint32_t handle = 0;
    std::uint32_t access = 0;
    std::set<std::uint32_t> realms;
};

// The digest users of the ACL by name (Kerberos entries have no DigestUsername).
std::map<std::string, AmtUser> existing_users(wsman::Client& client) {
    auto handles = wsman::enumerate_user_acl_entries(client);
    require_success(handles.result, "AMT_AuthorizationService.EnumerateUserAclEntries");
    std::map<std::string, AmtUser> users;
    for (auto handle : handles.handles) {
        auto entry = wsman::get_user_acl_entry_ex(client, handle);
        require_success(entry.result, "AMT_AuthorizationService.GetUserAclEntryEx");
        if (!entry.username.empty()) {
            users[entry.username] = {
                handle, entry.access_permission, {entry.realms.begin(), entry.realms.end()}};
        }
    }
    return users;
}

std::vector<std::uint32_t> wanted_realms(const profile::User& user) {
    std::vector<std::uint32_t> realms;
    for (auto realm : user.realms) {
        realms.push_back(realm_number(realm));
    }
    return realms;
}

void add_user(StepContext& c, const profile::Profile& profile, const profile::User& user) {
    auto password =
        profile::resolve_amt_password(profile, user.password, "password of user " + user.name);
    c.log.add_secret(password.value.reveal());
    std::string secret = "user:" + user.name;
    std::string id;
    if (password.origin == profile::PasswordOrigin::generated) {
        id = c.escrow.record(secret, password.value);
    }
    auto added = wsman::add_user_acl_entry_ex(
        c.wsman, user.name,
        crypto::digest_password_base64(user.name, c.general->digest_realm, password.value),
        k_access, wanted_realms(user));
    // A non-zero ReturnValue means AMT added no user; a lost reply leaves the record pending.
    c.escrow.outcome(
        secret, id, added.result.ok() ? profile::EscrowStatus::set : profile::EscrowStatus::failed);
    require_success(added.result,
                    fmt::format("AMT_AuthorizationService.AddUserAclEntryEx ({})", user.name));
}

// Plans the user's change; false when AMT already has it as the profile says.
bool plan_user(StepContext& c, const profile::User& user, const AmtUser* amt) {
    auto wanted = wanted_realms(user);
    std::set<std::uint32_t> realms(wanted.begin(), wanted.end());
    if (amt == nullptr) {
        c.result.plan.push_back(
            {"users", "user " + user.name, "absent", "present, realms " + realm_list(realms)});
        return true;
    }
    bool differs = false;
    if (amt->realms != realms) {
        c.result.plan.push_back(
            {"users", "realms of user " + user.name, realm_list(amt->realms), realm_list(realms)});
        differs = true;
    }
    if (amt->access != static_cast<std::uint32_t>(k_access)) {
        c.result.plan.push_back({"users", "access of user " + user.name,
                                 std::string(access_name(amt->access)),
                                 std::string(access_name(static_cast<std::uint32_t>(k_access)))});
        differs = true;
    }
    return differs;
}

} // namespace

void run_user_steps(StepContext& c, const profile::Profile& profile) {
    // A device this run activates has the factory ACL, which holds no users.
    auto users = c.activating && c.mode == RunMode::dry_run ? std::map<std::string, AmtUser>{}
                                                            : existing_users(c.wsman);
    std::vector<const profile::User*> pending;
    for (const auto& user : profile.users) {
        auto found = users.find(user.name);
        if (plan_user(c, user, found == users.end() ? nullptr : &found->second)) {
            pending.push_back(&user);
        }
    }
    if (pending.empty()) {
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
    for (const auto* user : pending) {
        auto found = users.find(user->name);
        if (found == users.end()) {
            add_user(c, profile, *user);
            continue;
        }
        require_success(
            wsman::update_user_acl_entry_ex(c.wsman, found->second.handle, user->name, k_access,
                                            wanted_realms(*user)),
            fmt::format("AMT_AuthorizationService.UpdateUserAclEntryEx ({})", user->name));
    }
}

} // namespace amtcfg::flows
