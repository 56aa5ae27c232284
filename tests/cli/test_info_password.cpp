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
    CHECK(a["power"]["package"] == "Desktop: ON in S0");
    CHECK(a["power"]["policy"] == "s0-only");
    a.erase("clock_drift_seconds");
    b.erase("clock_drift_seconds");
    CHECK(a == b);
    CHECK(lme.out.find("Adm1n!Passw0rd") == std::string::npos);
}

TEST_CASE("info --password shows the current power package, and null when none is", "[cli]") {
    auto [current, package, policy] = GENERATE(
        std::tuple<std::string, nlohmann::json, nlohmann::json>{
            R"("Intel(r) AMT Power Scheme 2")", "Desktop: ON in S0, ME Wake in S3, S4-5",
            "always-on"},
        std::tuple<std::string, nlohmann::json, nlohmann::json>{"null", nullptr, nullptr});
    SimDevice device(k_activated.substr(0, k_activated.size() - 1) +
                     ", \"current_power_scheme\": " + current + "}");
    auto r = device.amtcfg({"--json", "info", "--password", "env:AMT_PW"}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["configuration"]["power"]["package"] == package);
    CHECK(r.json()["configuration"]["power"]["policy"] == policy);
    auto text = device.amtcfg({"info", "--password", "env:AMT_PW"}, {}, k_env);
    CHECK_THAT(text.out, Catch::Contains(package.is_null() ? "power package   none current"
                                                           : "power package   Desktop: ON in S0, "
                                                             "ME Wake in S3, S4-5 (always-on)"));
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

TEST_CASE("a firmware reset under an open LME session is exit 20, not a missing device", "[cli]") {
    // info reads its AMTHI facts in the first dozen MEI messages; the later ones are the APF
    // handshake and the WS-Man requests over LME.
    auto after = GENERATE(as<std::string>{}, "16", "24");
    INFO("reset after " << after << " MEI messages");
    SimDevice device(k_activated);
    auto r = device.amtcfg({"--transport", "lme", "info", "--password", "env:AMT_PW"},
                           {"--fault", "mei-reset-after:" + after}, k_env);
    INFO(r.err);
    CHECK(r.status == 20);
    CHECK(r.err.find("LME session to AMT's WS-Man service was lost") != std::string::npos);
    CHECK(r.err.find("run the command again") != std::string::npos);
}
