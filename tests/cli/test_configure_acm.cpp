// ACM activation, the CCM -> ACM upgrade and every ACM pre-flight failure, against the simulator.
#include "background.hpp"
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{
    {"AMT_PW", "Adm1n!Passw0rd"}, {"MEBX_PW", "Mebx!Passw0rd1"}, {"PFX_PW", "test-pfx-pw"}};

const std::string& certs() {
    return test_certs();
}

std::string root_sha256() {
    std::ifstream in(certs() + "/root.sha256");
    std::string hash;
    in >> hash;
    return hash;
}

std::string device_json(bool active) {
    return R"({"dns_suffix": "example.com", "cert_hashes": [{"name": "amtcfg Test Root CA",
        "algorithm": "sha256", "hash": ")" +
           root_sha256() + R"(", "default": false, "active": )" + (active ? "true" : "false") +
           "}]}";
}

std::string acm_profile(const std::string& pfx, const std::string& admin = "env:AMT_PW",
                        const std::string& mebx = "env:MEBX_PW") {
    return "<?xml version=\"1.0\"?>\n<amtcfg-profile version=\"1\" name=\"acm\">\n"
           "  <activation mode=\"acm\">\n"
           "    <admin-password source=\"" +
           admin +
           "\"/>\n"
           "    <mebx-password source=\"" +
           mebx +
           "\"/>\n"
           "    <provisioning-certificate file=\"" +
           certs() + "/" + pfx +
           ".pfx\" password-source=\"env:PFX_PW\"/>\n"
           "  </activation>\n</amtcfg-profile>\n";
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The MEBx password the simulated AMT holds now (it cannot be read over WS-Man).
std::string device_mebx(const SimDevice& device) {
    auto state = nlohmann::json::parse(file_content(device.state_file()), nullptr, false);
    return state.is_object() ? state.value("mebx_password", "") : "";
}

} // namespace

TEST_CASE("configure activates ACM with a trusted provisioning certificate", "[cli]") {
    auto via = each_path();
    INFO("amtcfg " << via.options.back());
    SimDevice device(device_json(true));
    auto profile = device.write("acm.xml", acm_profile("good"));
    auto r =
        device.amtcfg(over(via, {"--json", "configure", "--profile", profile}), via.sim, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["control_mode"] == "acm");
    CHECK(device.info()["control_mode"] == "acm");
    // ACM is unconfigured only with the password.
    CHECK(device.amtcfg(over(via, {"unconfigure"}), via.sim).status == 21);
    CHECK(device.amtcfg(over(via, {"unconfigure", "--password", "env:AMT_PW"}), via.sim, k_env)
              .status == 0);
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}

TEST_CASE("a CCM device is upgraded to ACM when the profile asks for ACM", "[cli]") {
    auto via = each_path();
    INFO("amtcfg " << via.options.back());
    SimDevice device(device_json(true));
    auto ccm = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    REQUIRE(device.amtcfg(over(via, {"configure", "--profile", ccm}), via.sim, k_env).status == 0);
    auto acm = device.write("acm.xml", acm_profile("good"));
    auto r = device.amtcfg(over(via, {"--json", "configure", "--profile", acm}), via.sim, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(device.info()["control_mode"] == "acm");
    // Asking for CCM now is the wrong state, with what to do.
    auto back = device.amtcfg(over(via, {"configure", "--profile", ccm}), via.sim, k_env);
    CHECK(back.status == 14);
    CHECK(back.err.find("unconfigure") != std::string::npos);
}

TEST_CASE("ACM pre-flight failures are exit 31, name the problem and change nothing", "[cli]") {
    auto [pfx, active, expected] = GENERATE(
        std::tuple<std::string, bool, std::string>{"wrongcn", true, "prov.other.org"},
        std::tuple<std::string, bool, std::string>{"noeku", true, "2.16.840.1.113741.1.2.3"},
        std::tuple<std::string, bool, std::string>{"expired", true, "expired"},
        std::tuple<std::string, bool, std::string>{"good", false, "not active"},
        std::tuple<std::string, bool, std::string>{"sha384", true, "not trusted"});
    auto via = each_path();
    INFO(pfx << " over " << via.options.back());
    SimDevice device(device_json(active));
    auto profile = device.write("acm.xml", acm_profile(pfx));
    auto r = device.amtcfg(over(via, {"configure", "--profile", profile}), via.sim, k_env);
    INFO(r.err);
    CHECK(r.status == 31);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}

namespace {

// The WS-Man operations the simulator served in one amtcfg run (AMTCFG_SIM_STATS), by name.
std::map<std::string, int> operations_of(const std::string& stats_file) {
    auto stats = nlohmann::json::parse(file_content(stats_file));
    std::map<std::string, int> out;
    for (const auto& [cls, ops] : stats["wsman"]["operations"].items()) {
        for (const auto& [op, count] : ops.items()) {
            out[cls + "." + op] = count.get<int>();
        }
    }
    return out;
}

} // namespace

TEST_CASE("an activation that the ME does not confirm is exit 30 and nothing more is sent",
          "[cli]") {
    // amthi-stale:GetControlMode: Setup/AdminSetup/UpgradeClientToAdmin succeed over WS-Man,
    // but the control mode read over MEI does not change; wsman-return:Setup=0: the answer
    // says 0 and AMT did nothing, as an impostor on the LMS port would answer.
    auto [method, fault] = GENERATE(
        std::pair<std::string, std::string>{"Setup", "amthi-stale:GetControlMode"},
        std::pair<std::string, std::string>{"Setup", "wsman-return:Setup=0"},
        std::pair<std::string, std::string>{"AdminSetup", "amthi-stale:GetControlMode"},
        std::pair<std::string, std::string>{"UpgradeClientToAdmin", "amthi-stale:GetControlMode"});
    auto via = each_path();
    INFO(method << " with " << fault << " over " << via.options.back());
    SimDevice device(device_json(true));
    auto ccm = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    if (method == "UpgradeClientToAdmin") {
        REQUIRE(device.amtcfg(over(via, {"configure", "--profile", ccm}), via.sim, k_env).status ==
                0);
    }
    auto profile = method == "Setup" ? ccm : device.write("acm.xml", acm_profile("good"));
    std::string stats = device.dir().file("stats.json");
    auto sim = via.sim;
    sim.insert(sim.end(), {"--fault", fault});
    auto env = k_env;
    env["AMTCFG_SIM_STATS"] = stats;
    auto r = device.amtcfg(over(via, {"--json", "configure", "--profile", profile}), sim, env);
    INFO(r.err);
    CHECK(r.status == 30);
    CHECK_THAT(r.err, Catch::Contains("IPS_HostBasedSetupService." + method + " returned 0") &&
                          Catch::Contains("read over MEI"));
    // The activation call was the last WS-Man call: no admin login, no SetMEBxPassword.
    auto ops = operations_of(stats);
    CHECK(ops["IPS_HostBasedSetupService." + method] == 1);
    std::set<std::string> allowed{"AMT_GeneralSettings.Get", "IPS_HostBasedSetupService.Get",
                                  "IPS_HostBasedSetupService.AddNextCertInChain",
                                  "IPS_HostBasedSetupService." + method};
    for (const auto& [op, count] : ops) {
        INFO(op);
        CHECK(allowed.count(op) == 1);
    }
    auto counters = nlohmann::json::parse(file_content(stats));
    int calls = counters["wsman"]["calls"].get<int>();
    int sent = 0;
    for (const auto& [op, count] : ops) {
        sent += count;
    }
    CHECK(calls == sent);
}

TEST_CASE("a random MEBx password is escrowed before it is set; a failed MEBx step is redone",
          "[cli]") {
    auto via = each_path();
    INFO("amtcfg " << via.options.back());
    SimDevice device(device_json(true));
    auto profile = device.write("acm.xml", acm_profile("good", "random", "random"));
    auto escrow = device.dir().file("escrow.jsonl");
    auto command = over(via, {"--json", "configure", "--profile", profile, "--escrow", escrow});

    auto failed = device.amtcfg(
        command, concat(via.sim, {"--fault", "wsman-return:SetMEBxPassword=1"}), k_env);
    INFO(failed.err);
    REQUIRE(failed.status == 32);
    CHECK(device.info()["control_mode"] == "acm");
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set"});
    CHECK(escrow_statuses(escrow, "mebx-password") == std::vector<std::string>{"failed"});
    CHECK(escrowed(escrow, "mebx-password").size() >= 8); // written before it was tried

    // The identical command line again: the admin password comes from the escrow, and the MEBx
    // step, which AMT cannot be asked about, is redone because the escrow says it failed.
    auto again = device.amtcfg(command, via.sim, k_env);
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(again.json()["changed"] == nlohmann::json::array({"mebx-password"}));
    CHECK(escrow_statuses(escrow, "mebx-password") == std::vector<std::string>{"failed", "set"});
    CHECK(device_mebx(device) == escrowed_set(escrow, "mebx-password"));

    auto third = device.amtcfg(command, via.sim, k_env);
    INFO(third.err);
    REQUIRE(third.status == 0);
    CHECK(third.json()["changed"] == nlohmann::json::array());
    CHECK(escrow_statuses(escrow, "mebx-password").size() == 2);
}

TEST_CASE("configure killed between the MEBx escrow and SetMEBxPassword: the next run sets it",
          "[cli]") {
    SimDevice device(device_json(true));
    auto profile = device.write("acm.xml", acm_profile("good", "random", "random"));
    auto escrow = device.dir().file("escrow.jsonl");
    std::vector<std::string> command{"configure", "--profile", profile, "--escrow", escrow};
    {
        // Held back far longer than the test waits, so SetMEBxPassword never acts.
        Background run(device.command(command, {"--fault", "wsman-delay:SetMEBxPassword=600000"}),
                       k_env);
        bool escrowed_mebx = run.wait_until(
            device.dir().path(), [&] { return !escrow_statuses(escrow, "mebx-password").empty(); },
            std::chrono::seconds(60));
        INFO(run.err());
        REQUIRE(escrowed_mebx);
        REQUIRE(run.kill());
    }
    CHECK(device.info()["control_mode"] == "acm");
    CHECK(device_mebx(device) == "admin"); // the factory value: the new one never reached AMT
    CHECK(escrow_statuses(escrow, "mebx-password") == std::vector<std::string>{"pending"});

    auto again = device.amtcfg(command, {}, k_env);
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(escrow_statuses(escrow, "mebx-password") == std::vector<std::string>{"pending", "set"});
    CHECK(device_mebx(device) == escrowed_set(escrow, "mebx-password"));
}

TEST_CASE("the CCM -> ACM upgrade escrows a random MEBx password before it sets it", "[cli]") {
    SimDevice device(device_json(true));
    auto escrow = device.dir().file("escrow.jsonl");
    auto ccm = device.write("ccm.xml", ccm_profile("random"));
    REQUIRE(device.amtcfg({"configure", "--profile", ccm, "--escrow", escrow}).status == 0);
    auto acm = device.write("acm.xml", acm_profile("good", "random", "random"));
    auto r =
        device.amtcfg({"--json", "configure", "--profile", acm, "--escrow", escrow}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(device.info()["control_mode"] == "acm");
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set"});
    CHECK(escrow_statuses(escrow, "mebx-password") == std::vector<std::string>{"set"});
    CHECK(device_mebx(device) == escrowed_set(escrow, "mebx-password"));
}
