// AMT_AuthorizationService: the admin password and the user ACL (wsman.md section 6; facts and
// sources in tests/sim/README.md, "The user ACL").
#include "wsman/classes.hpp"

#include "amtcfg/util/bytes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace amtcfg::sim {
namespace {

// PT_STATUS values (wsman.md section 5).
constexpr std::uint32_t k_pt_success = 0;
constexpr std::uint32_t k_pt_invalid_name = 12;
constexpr std::uint32_t k_pt_max_limit = 23;
constexpr std::uint32_t k_pt_invalid_parameter = 36;
constexpr std::uint32_t k_pt_invalid_handle = 2053;
constexpr std::uint32_t k_pt_invalid_password = 2054;
constexpr std::uint32_t k_pt_invalid_realm = 2055;
constexpr std::uint32_t k_pt_duplicate = 2058;

constexpr std::size_t k_max_users = 8;
constexpr std::size_t k_max_name = 16;
// RealmValues 2 (RedirectionRealm) .. 21 (ACLRealm); 0, 1 and 22 on are invalid or reserved.
constexpr std::uint32_t k_first_realm = 2;
constexpr std::uint32_t k_last_realm = 21;
constexpr std::string_view k_pt_administration_realm = "3";

std::vector<Instance> authorization_instances(CallContext&) {
    return {Instance{{"AllowHttpQopAuthOnly", "1"},
                     {"CreationClassName", "AMT_AuthorizationService"},
                     {"ElementName", "Intel(r) AMT Authorization Service"},
                     {"EnabledState", "5"},
                     {"Name", "Intel(r) AMT Authorization Service"},
                     {"RequestedState", "12"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}}};
}

// DigestPassword is base64 of the 16 raw bytes of MD5(admin:realm:password).
MethodOutput set_admin_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto digest = base64_arg(input, "DigestPassword");
    if (input.get("Username") != "admin") {
        return {{}, k_pt_invalid_name};
    }
    if (!digest || digest->size() != 16) {
        return {{}, k_pt_invalid_password};
    }
    context.state.wsman.admin_ha1 = to_hex(*digest);
    context.state.admin_password.clear(); // only the digest is known from now on
    return {{}, k_pt_success};
}

// The ACL belongs to admin and to users with PT Administration, which includes every realm
// (Intel SCS "Defining the ACL"); anyone else, the local system account included, is refused.
std::vector<UserAcl>& managed_users(CallContext& context) {
    auto& users = context.state.wsman.users;
    if (context.user == "admin") {
        return users;
    }
    auto self = std::find_if(users.begin(), users.end(),
                             [&](const UserAcl& user) { return user.name == context.user; });
    if (self == users.end() || std::find(self->realms.begin(), self->realms.end(),
                                         k_pt_administration_realm) == self->realms.end()) {
        throw WsmanFault(fault::access_denied, "the user ACL needs PT Administration rights");
    }
    return users;
}

// Intel SCS: at most 16 characters, none of : , < > & " or space, not starting with $$, and
// not admin or administrator (reserved for the built-in admin).
bool valid_name(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    bool printable = std::all_of(name.begin(), name.end(), [](char c) {
        return c > ' ' && c <= '~' && std::string_view(":,<>&\"").find(c) == std::string_view::npos;
    });
    return !name.empty() && name.size() <= k_max_name && printable && !name.starts_with("$$") &&
           lower != "admin" && lower != "administrator";
}

bool valid_realms(const std::vector<std::string>& realms) {
    return std::all_of(realms.begin(), realms.end(), [](const std::string& text) {
        std::uint32_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        return ec == std::errc() && end == text.data() + text.size() && value >= k_first_realm &&
               value <= k_last_realm;
    });
}

UserAcl* find_handle(std::vector<UserAcl>& users, std::optional<std::uint32_t> handle) {
    auto found = std::find_if(users.begin(), users.end(), [&](const UserAcl& user) {
        return handle && user.handle == *handle;
    });
    return found == users.end() ? nullptr : &*found;
}

bool name_taken(const std::vector<UserAcl>& users, std::string_view name, const UserAcl* except) {
    return std::any_of(users.begin(), users.end(),
                       [&](const UserAcl& user) { return &user != except && user.name == name; });
}

// The checks AddUserAclEntryEx and UpdateUserAclEntryEx share; 0 when the input is acceptable.
std::uint32_t check_entry(const std::vector<UserAcl>& users, const MethodInput& input,
                          const UserAcl* except) {
    auto name = input.get("DigestUsername");
    auto permission = uint_arg(input, "AccessPermission");
    if (!valid_name(name)) {
        return k_pt_invalid_name;
    }
    if (!permission || *permission > 2) {
        return k_pt_invalid_parameter;
    }
    if (!valid_realms(input.values("Realms"))) {
        return k_pt_invalid_realm;
    }
    if (name_taken(users, name, except)) {
        return k_pt_duplicate;
    }
    return k_pt_success;
}

// AddUserAclEntryEx: DigestUsername, DigestPassword (base64 raw MD5 of name:realm:password),
// AccessPermission, Realms (repeated) -> Handle.
MethodOutput add_user_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& users = managed_users(context);
    if (auto status = check_entry(users, input, nullptr); status != k_pt_success) {
        return {{}, status};
    }
    auto digest = base64_arg(input, "DigestPassword");
    if (!digest || digest->size() != 16) {
        return {{}, k_pt_invalid_password};
    }
    if (users.size() >= k_max_users) {
        return {{}, k_pt_max_limit};
    }
    UserAcl user{input.get("DigestUsername"), to_hex(*digest), input.values("Realms"),
                 next_user_handle(context.state.wsman), *uint_arg(input, "AccessPermission")};
    users.push_back(user);
    return {{{"Handle", std::to_string(user.handle)}}, k_pt_success};
}

// UpdateUserAclEntryEx: Handle and DigestUsername always; DigestPassword only to change the
// password (then it is needed when the name changes, as the digest covers the name).
MethodOutput update_user_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& users = managed_users(context);
    auto* user = find_handle(users, uint_arg(input, "Handle"));
    if (user == nullptr) {
        return {{}, k_pt_invalid_handle};
    }
    if (auto status = check_entry(users, input, user); status != k_pt_success) {
        return {{}, status};
    }
    auto digest = base64_arg(input, "DigestPassword");
    bool renamed = input.get("DigestUsername") != user->name;
    if ((input.has("DigestPassword") || renamed) && (!digest || digest->size() != 16)) {
        return {{}, k_pt_invalid_password};
    }
    user->name = input.get("DigestUsername");
    user->access_permission = *uint_arg(input, "AccessPermission");
    if (digest) {
        user->ha1 = to_hex(*digest);
    }
    if (input.has("Realms")) {
        user->realms = input.values("Realms");
    }
    return {{}, k_pt_success};
}

// EnumerateUserAclEntries: StartIndex is 1-based; at most user_acl_page_size handles per answer.
MethodOutput enumerate_user_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    const auto& users = managed_users(context);
    auto start = uint_arg(input, "StartIndex");
    if (!start || *start == 0) {
        return {{}, k_pt_invalid_parameter};
    }
    MethodOutput out{{{"TotalCount", std::to_string(users.size())}}, k_pt_success};
    std::vector<std::string> handles;
    for (std::size_t i = *start - 1; i < users.size(); ++i) {
        if (handles.size() == context.state.wsman.user_acl_page_size) {
            break;
        }
        handles.push_back(std::to_string(users[i].handle));
    }
    out.out.emplace_back("HandlesCount", std::to_string(handles.size()));
    for (auto& handle : handles) {
        out.out.emplace_back("Handles", std::move(handle));
    }
    return out;
}

// GetUserAclEntryEx: the entry without its password hash.
MethodOutput get_user_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto* user = find_handle(managed_users(context), uint_arg(input, "Handle"));
    if (user == nullptr) {
        return {{}, k_pt_invalid_handle};
    }
    MethodOutput out{{{"DigestUsername", xml_escape(user->name)},
                      {"AccessPermission", std::to_string(user->access_permission)}},
                     k_pt_success};
    for (const auto& realm : user->realms) {
        out.out.emplace_back("Realms", realm);
    }
    return out;
}

MethodOutput remove_user_acl(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& users = managed_users(context);
    auto* user = find_handle(users, uint_arg(input, "Handle"));
    if (user == nullptr) {
        return {{}, k_pt_invalid_handle};
    }
    users.erase(users.begin() + (user - users.data()));
    return {{}, k_pt_success};
}

constexpr MethodSpec k_authorization_methods[] = {
    {"SetAdminAclEntryEx", set_admin_acl},     {"AddUserAclEntryEx", add_user_acl},
    {"UpdateUserAclEntryEx", update_user_acl}, {"EnumerateUserAclEntries", enumerate_user_acl},
    {"GetUserAclEntryEx", get_user_acl},       {"RemoveUserAclEntry", remove_user_acl},
};

} // namespace

const ClassSpec k_authorization_service{
    "AMT_AuthorizationService", ns::amt_schema, authorization_instances, nullptr, {},
    k_authorization_methods};

} // namespace amtcfg::sim
