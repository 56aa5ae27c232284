// What a user sees when the simulated firmware misbehaves in the ways --fault injects: counted
// faults a retry gets past, APF channel faults over LME, and fault specs with-sim.sh refuses.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};
const std::string k_activated = R"({"control_mode": 1, "provisioning_state": 2,
    "admin_password": "Adm1n!Passw0rd", "hostname": "desk-42", "domain": "corp.example"})";
const std::vector<std::string> k_info = {"--transport", "lme", "info", "--password", "env:AMT_PW"};

std::vector<std::string> with(std::vector<std::string> first,
                              const std::vector<std::string>& more) {
    first.insert(first.end(), more.begin(), more.end());
    return first;
}

} // namespace

TEST_CASE("a misspelt or malformed fault spec stops with-sim.sh with exit 2 before COMMAND runs",
          "[cli][sim]") {
    auto spec = GENERATE(as<std::string>{}, "wsman-http50:Get", "apf-stal", "wsman-http500:Get*0",
                         "wsman-http500:Get*x", "no-lme*2", "amthi-short:GetNothing");
    INFO(spec);
    SimDevice device;
    auto r = device.amtcfg({"version"}, {"--fault", spec});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("invalid fault '" + spec));
    CHECK(r.out.empty()); // amtcfg version never ran
}

TEST_CASE("a Get that fails once with HTTP 500 is asked again and the command succeeds",
          "[cli][sim]") {
    auto [transport, sim_options] = each_transport();
    INFO(transport);
    SimDevice device(k_activated);
    auto r = device.amtcfg(
        {"--json", "--transport", transport, "info", "--password", "env:AMT_PW"},
        with(sim_options, {"--fault", "wsman-http500:AMT_GeneralSettings.Get*1"}), k_env);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.json()["configuration"]["hostname"] == "desk-42");
    auto twice = device.amtcfg(
        {"--transport", transport, "info", "--password", "env:AMT_PW"},
        with(sim_options, {"--fault", "wsman-http500:AMT_GeneralSettings.Get*2"}), k_env);
    CHECK(twice.status == 13); // asked once more only: a second 500 is AMT's answer
    CHECK_THAT(twice.err, Catch::Contains("HTTP 500"));
}

TEST_CASE("AMT refusing the APF channel is exit 20 naming the refusal", "[cli][sim]") {
    SimDevice device(k_activated);
    auto r = device.amtcfg(k_info, {"--fault", "apf-open-failure"}, k_env);
    CHECK(r.status == 20);
    CHECK_THAT(r.err, Catch::Contains("AMT refused a channel to port 16992: resource shortage "
                                      "(reason 4)"));
}

TEST_CASE("AMT closing the APF channel mid-response is a clear error, not a hang", "[cli][sim]") {
    SimDevice device(k_activated);
    auto r = device.amtcfg(k_info, {"--fault", "apf-early-close"}, k_env);
    INFO(r.err);
    CHECK(r.status == 20);
    CHECK_THAT(r.err, Catch::Contains("AMT_GeneralSettings"));
    CHECK(r.out.find("Adm1n!Passw0rd") == std::string::npos);
}

TEST_CASE("AMT going silent on the APF channel ends at the deadline with exit 40", "[cli][sim]") {
    SimDevice device(k_activated);
    auto started = std::chrono::steady_clock::now();
    auto r =
        device.amtcfg(with({"--timeout", "2s", "--json"}, k_info), {"--fault", "apf-stall"}, k_env);
    auto took = std::chrono::steady_clock::now() - started;
    INFO(r.err);
    CHECK(r.status == 40);
    CHECK_THAT(r.json()["error"]["message"].get<std::string>(), Catch::Contains("timed out"));
    CHECK(took < std::chrono::seconds(15));
}

TEST_CASE("a stale nonce is answered again, over LMS and LME", "[cli][sim]") {
    auto [transport, sim_options] = each_transport();
    INFO(transport);
    SimDevice device(k_activated);
    auto r = device.amtcfg({"--json", "--transport", transport, "info", "--password", "env:AMT_PW"},
                           with(sim_options, {"--fault", "digest-stale"}), k_env);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.json()["configuration"]["hostname"] == "desk-42");
}
