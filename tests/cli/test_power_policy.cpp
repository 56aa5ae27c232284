// configure's <power-policy> step against the simulator: the device's power package is picked by
// its descriptive string, changed only when it differs, and a device without one fails clearly.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};
const std::string k_s0_only = "Desktop: ON in S0";
const std::string k_always_on = "Desktop: ON in S0, ME Wake in S3, S4-5";

std::string policy(const std::string& value) {
    return "  <power-policy>" + value + "</power-policy>\n";
}

// What the simulated device ended up with: the InstanceID of its current power scheme.
std::string current_scheme(const SimDevice& device) {
    std::ifstream in(device.dir().file("state.json"));
    return nlohmann::json::parse(in)["current_power_scheme"].get<std::string>();
}

bool contains(const nlohmann::json& array, const std::string& value) {
    for (const auto& item : array) {
        if (item == value) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("power-policy always-on switches an s0-only device once; a re-run changes nothing",
          "[cli]") {
    auto [transport, sim_options] = each_transport();
    INFO("transport " << transport);
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", policy("always-on")));
    auto run = [&] {
        return device.amtcfg(
            {"--json", "--transport", transport, "configure", "--profile", profile}, sim_options,
            k_env);
    };

    auto first = run();
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto result = first.json();
    CHECK(contains(result["changed"], "power-policy"));
    nlohmann::json row = nullptr;
    for (const auto& item : result["plan"]) {
        row = item["step"] == "power-policy" ? item : row;
    }
    REQUIRE(row.is_object());
    CHECK(row["current"] == k_s0_only);
    CHECK(row["wanted"] == k_always_on);
    CHECK(current_scheme(device) == "Intel(r) AMT Power Scheme 2");

    auto second = run();
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(contains(second.json()["unchanged"], "power-policy"));
    CHECK(second.json()["plan"].empty());
    CHECK(current_scheme(device) == "Intel(r) AMT Power Scheme 2");

    // And back: s0-only picks the package that names no sleep state.
    auto back = device.write("s0.xml", ccm_profile("env:AMT_PW", policy("s0-only")));
    auto third = device.amtcfg({"--json", "--transport", transport, "configure", "--profile", back},
                               sim_options, k_env);
    INFO(third.err);
    REQUIRE(third.status == 0);
    CHECK(contains(third.json()["changed"], "power-policy"));
    CHECK(current_scheme(device) == "Intel(r) AMT Power Scheme 1");
}

TEST_CASE("power-policy --dry-run shows current -> wanted and changes nothing", "[cli]") {
    SimDevice device;
    auto plain = device.write("plain.xml", ccm_profile("env:AMT_PW"));
    REQUIRE(device.amtcfg({"configure", "--profile", plain}, {}, k_env).status == 0);
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", policy("always-on")));

    auto r = device.amtcfg({"--json", "configure", "--profile", profile, "--dry-run"}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto result = r.json();
    CHECK(result["dry_run"] == true);
    CHECK(contains(result["changed"], "power-policy"));
    REQUIRE(result["plan"].size() == 1);
    CHECK(result["plan"][0]["step"] == "power-policy");
    CHECK(result["plan"][0]["current"] == k_s0_only);
    CHECK(result["plan"][0]["wanted"] == k_always_on);
    CHECK(current_scheme(device) == "Intel(r) AMT Power Scheme 1");
}

TEST_CASE("a device without the asked power package fails naming the packages it offers", "[cli]") {
    SimDevice device(R"({"wsman_classes": {"AMT_SystemPowerScheme": [
        {"InstanceID": "Only", "ElementName": "Desktop: ON in S0",
         "Description": "Desktop: ON in S0"}]}})");
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", policy("always-on")));
    auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
    CHECK(r.status == 32);
    CHECK_THAT(r.err, Catch::Contains("step \"power-policy\" failed"));
    CHECK_THAT(r.err, Catch::Contains("no power package for power-policy \"always-on\""));
    CHECK_THAT(r.err, Catch::Contains("\"Desktop: ON in S0\" (InstanceID Only)"));
    CHECK(current_scheme(device) == "Only");
    // The steps before it are done: the device is activated and can be configured again.
    CHECK(device.info()["control_mode"] == "ccm");
}

TEST_CASE("two packages that both fit the policy are not guessed between", "[cli]") {
    SimDevice device(R"({"wsman_classes": {"AMT_SystemPowerScheme": [
        {"InstanceID": "A", "Description": "Desktop: ON in S0"},
        {"InstanceID": "B", "Description": "Desktop: ON in S0, ME Wake in S3, S4-5"},
        {"InstanceID": "C", "Description": "Desktop: ON in S0, S4-5"}]}})");
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", policy("always-on")));
    auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
    CHECK(r.status == 32);
    CHECK_THAT(r.err, Catch::Contains("more than one power package for power-policy"));
    CHECK_THAT(r.err,
               Catch::Contains("(InstanceID B), \"Desktop: ON in S0, S4-5\" (InstanceID C)"));
    CHECK(current_scheme(device) == "A");
}

TEST_CASE("SetPowerScheme failing is a failed step that names the call", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", policy("always-on")));
    auto r = device.amtcfg({"configure", "--profile", profile},
                           {"--fault", "wsman-return:SetPowerScheme=1"}, k_env);
    CHECK(r.status == 32);
    CHECK_THAT(r.err, Catch::Contains("AMT_SystemPowerScheme.SetPowerScheme returned 1"));
    CHECK(current_scheme(device) == "Intel(r) AMT Power Scheme 1");
}
