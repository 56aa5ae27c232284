// maintain of the real binary against simulated devices that drifted.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};

// An activated CCM device whose clock is an hour ahead and whose host name is stale.
const std::string k_drifted = R"({
  "control_mode": 1, "provisioning_state": 2, "admin_password": "Adm1n!Passw0rd",
  "clock_offset_seconds": 3600, "hostname": "stale-name", "domain": "old.example"
})";

} // namespace

TEST_CASE("maintain --auto fixes the clock and the host name, then nothing is due", "[cli]") {
    SimDevice device(k_drifted);
    auto first =
        device.amtcfg({"--json", "maintain", "--auto", "--password", "env:AMT_PW"}, {}, k_env);
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto result = first.json();
    CHECK(check_named(result, "clock")["due"] == true);
    CHECK(check_named(result, "clock")["done"] == true);
    CHECK(check_named(result, "hostname")["done"] == true);
    CHECK(result["failed"].empty());

    auto second =
        device.amtcfg({"--json", "maintain", "--auto", "--password", "env:AMT_PW"}, {}, k_env);
    INFO(second.err);
    REQUIRE(second.status == 0);
    auto again = second.json(); // keep it alive for the loop
    for (const auto& c : again["checks"]) {
        INFO(c.dump());
        CHECK(c["due"] == false);
    }
    // Quiet when nothing is due: no text on stdout without --json.
    auto quiet = device.amtcfg({"maintain", "--auto", "--password", "env:AMT_PW"}, {}, k_env);
    CHECK(quiet.status == 0);
    CHECK(quiet.out.empty());
}

TEST_CASE("a failing maintenance step leaves the others done and exits 34", "[cli]") {
    SimDevice device(k_drifted);
    auto r = device.amtcfg({"--json", "maintain", "--auto", "--password", "env:AMT_PW"},
                           {"--fault", "wsman-return:SetHighAccuracyTimeSynch=1"}, k_env);
    CHECK(r.status == 34);
    auto result = r.json();
    CHECK(result["failed"] == nlohmann::json::array({"clock"}));
    CHECK(check_named(result, "clock")["detail"].get<std::string>().find(
              "SetHighAccuracyTimeSynch") != std::string::npos);
    CHECK(check_named(result, "hostname")["done"] == true);
}

TEST_CASE("password rotation escrows first; the new password works and the old one not", "[cli]") {
    SimDevice device(k_drifted);
    auto escrow = device.dir().file("escrow.jsonl");
    auto r = device.amtcfg(
        {"--json", "maintain", "--rotate-password", "--password", "env:AMT_PW", "--escrow", escrow},
        {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto fresh = escrowed(escrow, "admin-password");
    REQUIRE(fresh.size() >= 8);
    CHECK(r.out.find(fresh) == std::string::npos);
    auto file = device.write("new-pw", fresh);
    CHECK(device.amtcfg({"maintain", "--sync-clock", "--password", "file:" + file}).status == 0);
    auto old = device.amtcfg({"maintain", "--sync-clock", "--password", "env:AMT_PW"}, {}, k_env);
    CHECK(old.status == 21);
}

TEST_CASE("maintain refuses a device that is not activated", "[cli]") {
    SimDevice device;
    auto r = device.amtcfg({"maintain", "--auto", "--password", "env:AMT_PW"}, {}, k_env);
    CHECK(r.status == 14);
}

TEST_CASE("rotation whose reply is lost logs in with the new password to tell which one works",
          "[cli]") {
    SimDevice device(k_drifted);
    auto escrow = device.dir().file("escrow.jsonl");
    std::vector<std::string> rotate{
        "--json", "maintain", "--rotate-password", "--password", "env:AMT_PW", "--escrow", escrow};
    auto works = [&](const std::vector<std::string>& password_option) {
        std::vector<std::string> args{"maintain", "--sync-clock"};
        args.insert(args.end(), password_option.begin(), password_option.end());
        return device.amtcfg(args, {}, k_env).status == 0;
    };
    SECTION("AMT took the new password: the rotation is done") {
        auto r = device.amtcfg(rotate, {"--fault", "wsman-drop:SetAdminAclEntryEx"}, k_env);
        INFO(r.err);
        CHECK(r.status == 0);
        auto password = check_named(r.json(), "password");
        CHECK(password["done"] == true);
        CHECK(password["detail"].get<std::string>().find("reply was lost") != std::string::npos);
        auto file = device.write("new-pw", escrowed(escrow, "admin-password"));
        CHECK(works({"--password", "file:" + file}));
        CHECK_FALSE(works({"--password", "env:AMT_PW"}));
    }
    SECTION("AMT did not take it: the old password is still valid, and said so") {
        auto r = device.amtcfg(rotate, {"--fault", "wsman-http500:SetAdminAclEntryEx"}, k_env);
        INFO(r.err);
        CHECK(r.status == 34);
        auto password = check_named(r.json(), "password");
        CHECK(password["done"] == false);
        CHECK(password["detail"].get<std::string>().find("old password is still valid") !=
              std::string::npos);
        auto file = device.write("new-pw", escrowed(escrow, "admin-password"));
        CHECK(works({"--password", "env:AMT_PW"}));
        CHECK_FALSE(works({"--password", "file:" + file}));
    }
}
