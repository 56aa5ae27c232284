// Soft-disabled AMT: info shows it, configure enables it when the ME allows, else exit 13.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};

// Pre-provisioning and soft-disabled; `allowed`: whether the ME lets the OS turn AMT on.
std::string disabled_device(bool allowed) {
    return std::string(R"({"watchdog": {"amt_enabled": false, "transition_allowed": )") +
           (allowed ? "true" : "false") + "}}";
}

} // namespace

TEST_CASE("info shows a soft-disabled AMT, and the simulator serves it no LME client", "[cli]") {
    auto sample = source_path("tests/sim/devices/amt16.json"); // ships soft-disabled
    auto r = run({with_sim(), "--device-file", sample, "--", amtcfg_binary(), "--json", "info"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["operational_state"] == "disabled");
    CHECK(r.json()["transport"]["lme"] == false);
    auto text = run({with_sim(), "--device-file", sample, "--", amtcfg_binary(), "info"});
    CHECK_THAT(text.out, Catch::Contains("Operational state   disabled (`amtcfg configure` "
                                         "enables it)"));
    SimDevice locked(disabled_device(false));
    CHECK_THAT(locked.amtcfg({"info"}).out,
               Catch::Contains("Operational state   disabled (enable Intel AMT in the MEBx)"));
    CHECK(SimDevice().info()["operational_state"] == "enabled");
    auto old = run({with_sim(), "--device-file", source_path("tests/sim/devices/amt11.json"), "--",
                    amtcfg_binary(), "--json", "info"});
    CHECK(old.json()["operational_state"].is_null()); // AMT 11 does not report it
}

TEST_CASE("configure enables a soft-disabled AMT, then activates it", "[cli]") {
    auto [transport, sim_options] = each_transport();
    INFO("transport " << transport);
    SimDevice device(disabled_device(true));
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    auto r = device.amtcfg({"--json", "--transport", transport, "configure", "--profile", profile},
                           sim_options, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto changed = r.json()["changed"].get<std::vector<std::string>>();
    REQUIRE(changed.size() >= 2);
    CHECK(changed[0] == "operational-state");
    CHECK(changed[1] == "activation");
    auto info = device.info();
    CHECK(info["operational_state"] == "enabled");
    CHECK(info["control_mode"] == "ccm");
    CHECK(info["transport"]["lme"] == true);
}

TEST_CASE("configure on a disabled AMT the ME keeps disabled is exit 13 naming the MEBx setting",
          "[cli]") {
    SimDevice device(disabled_device(false));
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
    CHECK(r.status == 13);
    CHECK_THAT(r.err, Catch::Contains("AMT is disabled") && Catch::Contains("MEBx") &&
                          Catch::Contains("Manageability Feature Selection"));
    auto info = device.info();
    CHECK(info["operational_state"] == "disabled");
    CHECK(info["control_mode"] == "pre-provisioning");
}

TEST_CASE("configure --dry-run on a disabled AMT says it would enable it and does not", "[cli]") {
    SimDevice device(disabled_device(true));
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    auto r = device.amtcfg({"--json", "configure", "--profile", profile, "--dry-run"}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto result = r.json();
    CHECK(result["dry_run"] == true);
    REQUIRE(result["plan"].size() == 1);
    CHECK(result["plan"][0]["step"] == "operational-state");
    CHECK(result["plan"][0]["current"] == "disabled");
    CHECK(result["plan"][0]["wanted"] == "enabled");
    CHECK_THAT(result["notes"].dump(), Catch::Contains("would enable it"));
    CHECK(device.info()["operational_state"] == "disabled");
    auto text = device.amtcfg({"configure", "--profile", profile, "--dry-run"}, {}, k_env);
    CHECK_THAT(text.out, Catch::Contains("operational-state") && Catch::Contains("would enable"));
}

TEST_CASE("maintain on a disabled AMT is exit 13 saying so, before any WS-Man", "[cli]") {
    SimDevice device(R"({"control_mode": 1, "provisioning_state": 2,
        "admin_password": "Adm1n!Passw0rd", "watchdog": {"amt_enabled": false}})");
    auto r = device.amtcfg({"maintain", "--auto", "--password", "env:AMT_PW"}, {}, k_env);
    CHECK(r.status == 13);
    CHECK_THAT(r.err, Catch::Contains("AMT is disabled") && Catch::Contains("MEBx"));
}
