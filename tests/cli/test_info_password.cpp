// `info --password`: the configuration read over WS-Man, the same over LMS and LME, and its errors.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};
const std::string k_activated = R"({"control_mode": 1, "provisioning_state": 2,
    "admin_password": "Adm1n!Passw0rd", "hostname": "desk-42", "domain": "corp.example",
    "clock_offset_seconds": -300})";

} // namespace

TEST_CASE("info --password shows the configuration, the same over LMS and LME", "[cli]") {
    SimDevice device(k_activated);
    auto lme = device.amtcfg({"--json", "--transport", "lme", "info", "--password", "env:AMT_PW"},
                             {}, k_env);
    auto lms = device.amtcfg({"--json", "--transport", "lms", "info", "--password", "env:AMT_PW"},
                             {"--lms"}, k_env);
    INFO(lme.err << lms.err);
    REQUIRE(lme.status == 0);
    REQUIRE(lms.status == 0);
    auto a = lme.json()["configuration"];
    auto b = lms.json()["configuration"];
    CHECK(a["hostname"] == "desk-42");
    CHECK(a["domain"] == "corp.example");
    CHECK(a["clock_drift_seconds"].get<long long>() <= -299);
    CHECK(a["clock_drift_seconds"].get<long long>() >= -301);
    a.erase("clock_drift_seconds");
    b.erase("clock_drift_seconds");
    CHECK(a == b);
    CHECK(lme.out.find("Adm1n!Passw0rd") == std::string::npos);
}

TEST_CASE("info --password errors have their documented exit codes", "[cli]") {
    SimDevice device(k_activated);
    auto args = std::vector<std::string>{"info", "--password", "env:AMT_PW"};
    CHECK(device.amtcfg(args, {}, {{"AMT_PW", "Wr0ng!Passw0rd"}}).status == 21);
    auto fault = device.amtcfg(args, {"--fault", "wsman-fault:AMT_GeneralSettings.Get"}, k_env);
    CHECK(fault.status != 0);
    CHECK(fault.err.find("AMT_GeneralSettings") != std::string::npos);
    auto http500 = device.amtcfg(args, {"--fault", "wsman-http500:AMT_GeneralSettings.Get"}, k_env);
    CHECK(http500.status == 13);
    auto no_lme = device.amtcfg({"--transport", "lme", "info", "--password", "env:AMT_PW"},
                                {"--fault", "no-lme"}, k_env);
    // No LME client on the ME means AMT is absent or disabled (13), said with the fix.
    CHECK(no_lme.status == 13);
    CHECK(no_lme.err.find("no LME client") != std::string::npos);
    auto drop = device.amtcfg(args, {"--fault", "wsman-drop:AMT_GeneralSettings.Get"}, k_env);
    CHECK(drop.status != 0);
    CHECK(drop.err.find("AMT_GeneralSettings") != std::string::npos);
}
