// The user ACL of AMT_AuthorizationService: stable handles, paging, refusals, who may call it.
#include "amtcfg/util/bytes.hpp"
#include "wsman/digest.hpp"
#include "wsman/service.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;
using test::element_texts;

namespace {

const std::string k_admin_password = "P@ssw0rd!";
constexpr std::string_view k_class = "AMT_AuthorizationService";

DeviceState activated_device() {
    auto state = default_device();
    state.control_mode = 1;
    state.provisioning_state = 2;
    state.admin_password = k_admin_password;
    return state;
}

// An activated CCM device and its admin.
struct Device {
    explicit Device(DeviceState state = activated_device()) : model(std::move(state)) {}

    test::FakeWorld world;
    DeviceModel model;
    WsmanService service{model, WsmanFaults{}, world.environment()};
    DigestClient admin{service, "admin", k_admin_password};

    DeviceState state() const { return model.snapshot(); }
};

std::string entry_args(const std::string& name, const std::vector<int>& realms,
                       const std::string& password = "Us3r-P@ss",
                       const std::string& permission = "2") {
    auto digest = amtcfg::from_hex(digest_ha1(name, activated_device().realm, password));
    std::string args = "<h:DigestUsername>" + name + "</h:DigestUsername><h:DigestPassword>" +
                       base64_encode(digest) + "</h:DigestPassword><h:AccessPermission>" +
                       permission + "</h:AccessPermission>";
    for (int realm : realms) {
        args += "<h:Realms>" + std::to_string(realm) + "</h:Realms>";
    }
    return args;
}

std::string return_value(const test::ParsedResponse& response) {
    return element_text(response.body, "ReturnValue");
}

std::string add(DigestClient& client, const std::string& name, const std::vector<int>& realms) {
    auto response = client.invoke(k_class, "AddUserAclEntryEx", entry_args(name, realms));
    REQUIRE(return_value(response) == "0");
    return element_text(response.body, "Handle");
}

test::ParsedResponse by_handle(DigestClient& client, std::string_view method,
                               const std::string& handle) {
    return client.invoke(k_class, method, "<h:Handle>" + handle + "</h:Handle>");
}

test::ParsedResponse enumerate(DigestClient& client, const std::string& start) {
    return client.invoke(k_class, "EnumerateUserAclEntries",
                         "<h:StartIndex>" + start + "</h:StartIndex>");
}

} // namespace

TEST_CASE("user ACL entries keep their handle; Get reads one without its password", "[unit][sim]") {
    Device device;
    auto first = add(device.admin, "helpdesk", {3, 4});
    auto second = add(device.admin, "operator", {2});
    CHECK(first == "32");
    CHECK(second == "33");

    auto listed = enumerate(device.admin, "1");
    CHECK(element_text(listed.body, "TotalCount") == "2");
    CHECK(element_text(listed.body, "HandlesCount") == "2");
    CHECK(element_texts(listed.body, "Handles") == std::vector<std::string>{"32", "33"});

    auto entry = by_handle(device.admin, "GetUserAclEntryEx", second);
    CHECK(return_value(entry) == "0");
    CHECK(element_text(entry.body, "DigestUsername") == "operator");
    CHECK(element_text(entry.body, "AccessPermission") == "2");
    CHECK(element_texts(entry.body, "Realms") == std::vector<std::string>{"2"});
    CHECK(entry.body.find("DigestPassword") == std::string::npos);

    // Removing the first entry does not move the second one's handle.
    CHECK(return_value(by_handle(device.admin, "RemoveUserAclEntry", first)) == "0");
    CHECK(return_value(by_handle(device.admin, "GetUserAclEntryEx", first)) == "2053");
    CHECK(return_value(by_handle(device.admin, "RemoveUserAclEntry", first)) == "2053");
    CHECK(element_texts(enumerate(device.admin, "1").body, "Handles") ==
          std::vector<std::string>{"33"});
    CHECK(element_text(by_handle(device.admin, "GetUserAclEntryEx", second).body,
                       "DigestUsername") == "operator");
    CHECK(add(device.admin, "third", {5}) == "34");
    CHECK(device.state().wsman.users.size() == 2);
}

TEST_CASE("AddUserAclEntryEx refuses duplicates, bad names, realms and a ninth user",
          "[unit][sim]") {
    Device device;
    add(device.admin, "helpdesk", {3});
    auto refused = [&](const std::string& args) {
        return return_value(device.admin.invoke(k_class, "AddUserAclEntryEx", args));
    };
    CHECK(refused(entry_args("helpdesk", {4})) == "2058"); // DUPLICATE, not replaced
    CHECK(device.state().wsman.users.at(0).realms == std::vector<std::string>{"3"});
    CHECK(refused(entry_args("Admin", {3})) == "12");
    CHECK(refused(entry_args("$$agent", {3})) == "12");
    CHECK(refused(entry_args("a:b", {3})) == "12");
    CHECK(refused(entry_args("seventeen-chars-x", {3})) == "12");
    CHECK(refused(entry_args("user", {1})) == "2055");
    CHECK(refused(entry_args("user", {22})) == "2055");
    CHECK(refused(entry_args("user", {3}, "Us3r-P@ss", "3")) == "36");
    auto no_password = entry_args("user", {3});
    no_password.erase(no_password.find("<h:DigestPassword>"),
                      no_password.find("<h:AccessPermission>") -
                          no_password.find("<h:DigestPassword>"));
    CHECK(refused(no_password) == "2054");
    for (int i = 2; i <= 8; ++i) {
        add(device.admin, "user" + std::to_string(i), {2});
    }
    CHECK(refused(entry_args("user9", {2})) == "23"); // MAX_LIMIT_REACHED
    CHECK(device.state().wsman.users.size() == 8);
}

TEST_CASE("EnumerateUserAclEntries pages from a 1-based StartIndex", "[unit][sim]") {
    auto state = activated_device();
    state.wsman.user_acl_page_size = 3;
    Device device(state);
    for (int i = 1; i <= 7; ++i) {
        add(device.admin, "user" + std::to_string(i), {2});
    }
    auto page = [&](const std::string& start) {
        auto response = enumerate(device.admin, start);
        CHECK(return_value(response) == "0");
        CHECK(element_text(response.body, "TotalCount") == "7");
        return element_texts(response.body, "Handles");
    };
    CHECK(page("1") == std::vector<std::string>{"32", "33", "34"});
    CHECK(page("4") == std::vector<std::string>{"35", "36", "37"});
    CHECK(page("7") == std::vector<std::string>{"38"});
    CHECK(page("8").empty());
    CHECK(return_value(enumerate(device.admin, "0")) == "36");
}

TEST_CASE("UpdateUserAclEntryEx changes realms without a password, a rename needs one",
          "[unit][sim]") {
    Device device;
    auto handle = add(device.admin, "helpdesk", {3});
    add(device.admin, "operator", {2});
    auto ha1 = device.state().wsman.users.at(0).ha1;
    auto update = [&](const std::string& id, std::string args) {
        return return_value(device.admin.invoke(k_class, "UpdateUserAclEntryEx",
                                                "<h:Handle>" + id + "</h:Handle>" + args));
    };
    std::string keep_password = "<h:DigestUsername>helpdesk</h:DigestUsername>"
                                "<h:AccessPermission>1</h:AccessPermission>"
                                "<h:Realms>4</h:Realms><h:Realms>5</h:Realms>";
    CHECK(update(handle, keep_password) == "0");
    auto user = device.state().wsman.users.at(0);
    CHECK(user.realms == std::vector<std::string>{"4", "5"});
    CHECK(user.access_permission == 1);
    CHECK(user.ha1 == ha1);
    CHECK(update("99", keep_password) == "2053");
    CHECK(update(handle, "<h:DigestUsername>renamed</h:DigestUsername>"
                         "<h:AccessPermission>2</h:AccessPermission>") == "2054");
    CHECK(update(handle, entry_args("operator", {2})) == "2058");
    CHECK(update(handle, entry_args("renamed", {2}, "N3w-P@ss")) == "0");
    CHECK(DigestClient(device.service, "renamed", "N3w-P@ss").get("AMT_GeneralSettings").status ==
          200);
}

TEST_CASE("the user ACL is admin's and PT Administration's alone", "[unit][sim]") {
    Device device;
    add(device.admin, "viewer", {4});
    add(device.admin, "manager", {3});
    DigestClient viewer(device.service, "viewer", "Us3r-P@ss");
    auto denied = enumerate(viewer, "1");
    CHECK(denied.status == 400);
    CHECK(test::element_texts(denied.body, "Value").back() == "e:AccessDenied");
    DigestClient manager(device.service, "manager", "Us3r-P@ss");
    CHECK(element_text(enumerate(manager, "1").body, "TotalCount") == "2");

    Device fresh(default_device());
    DigestClient lsa(fresh.service, "$$OsAdmin", default_device().lsa_password);
    CHECK(enumerate(lsa, "1").status == 400);
}
