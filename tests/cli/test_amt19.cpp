// AMT 19+ with TLS enforced on its local ports: every command over verified TLS, over LME and
// LMS, and every TLS fault refused by name with the device unchanged (issue 11).
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{
    {"AMT_PW", "Adm1n!Passw0rd"}, {"MEBX_PW", "Mebx!Passw0rd1"}, {"PFX_PW", "test-pfx-pw"}};

std::string test_root_sha256() {
    std::ifstream in(test_certs() + "/root.sha256");
    std::string hash;
    in >> hash;
    return hash;
}

// A pre-provisioned AMT 19 that enforces TLS and trusts the test provisioning root.
std::string amt19_json() {
    return R"({"amt_version": "19.0.5", "build": "1421", "tls_enforced": true,
        "control_mode": 0, "provisioning_state": 0, "dns_suffix": "example.com",
        "cert_hashes": [{"name": "amtcfg Test Root CA", "algorithm": "sha256", "hash": ")" +
           test_root_sha256() + R"(", "default": false, "active": true}]})";
}

std::string acm_profile() {
    return "<?xml version=\"1.0\"?>\n<amtcfg-profile version=\"1\" name=\"acm\">\n"
           "  <activation mode=\"acm\">\n"
           "    <admin-password source=\"env:AMT_PW\"/>\n"
           "    <mebx-password source=\"env:MEBX_PW\"/>\n"
           "    <provisioning-certificate file=\"" +
           test_certs() + "/good.pfx\" password-source=\"env:PFX_PW\"/>\n" +
           "  </activation>\n</amtcfg-profile>\n";
}

std::string ondie_root() {
    return sim_tls_dir() + "/ondie-root.pem";
}

Path path() {
    Path path = each_path();
    path.options.insert(path.options.end(), {"--amt-ondie-root", ondie_root()});
    return path;
}

std::string control_mode(const SimDevice& device) {
    return device.info()["control_mode"];
}

} // namespace

TEST_CASE("AMT 19: CCM over TLS, pinned, then info, maintain and unconfigure verify the pin",
          "[cli][amt19]") {
    auto via = path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device(amt19_json());
    std::string escrow = device.dir().file("escrow.jsonl");
    auto profile = device.write("ccm.xml", ccm_profile("random"));
    auto r = device.amtcfg(
        over(via, {"--json", "configure", "--profile", profile, "--escrow", escrow}), via.sim);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["control_mode"] == "ccm");
    CHECK(control_mode(device) == "ccm");
    CHECK(device.info()["provisioning_state"] == "post");
    std::string pin = escrowed_set(escrow, "amt-tls-certificate");
    CHECK(pin.starts_with("sha256:"));

    auto info =
        device.amtcfg(over(via, {"--json", "info", "--password", "escrow:" + escrow}), via.sim);
    INFO(info.err);
    REQUIRE(info.status == 0);
    auto tls = info.json()["tls"];
    CHECK(tls["verified"] == true);
    CHECK(tls["check"].get<std::string>().find("pinned") != std::string::npos);
    CHECK(tls["chain"].size() == 1);

    auto maintain = device.amtcfg(
        over(via, {"--json", "maintain", "--sync-clock", "--password", "escrow:" + escrow}),
        via.sim);
    INFO(maintain.err);
    CHECK(maintain.status == 0);

    auto gone =
        device.amtcfg(over(via, {"unconfigure", "--password", "escrow:" + escrow}), via.sim);
    INFO(gone.err);
    CHECK(gone.status == 0);
    CHECK(control_mode(device) == "pre-provisioning");
}

TEST_CASE("AMT 19: a provisioned device's certificate needs --amt-ca, a pin or --amt-insecure",
          "[cli][amt19]") {
    auto via = path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device(amt19_json());
    auto profile = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    REQUIRE(device.amtcfg(over(via, {"configure", "--profile", profile}), via.sim, k_env).status ==
            0);

    auto bare = device.amtcfg(over(via, {"info", "--password", "env:AMT_PW"}), via.sim, k_env);
    CHECK(bare.status == 22);
    CHECK(bare.err.find("--amt-ca") != std::string::npos);

    auto anchored = device.amtcfg(over(via, {"--json", "--amt-ca", sim_tls_dir() + "/post.pem",
                                             "info", "--password", "env:AMT_PW"}),
                                  via.sim, k_env);
    INFO(anchored.err);
    REQUIRE(anchored.status == 0);
    CHECK(anchored.json()["tls"]["verified"] == true);

    auto wrong = device.amtcfg(
        over(via, {"--amt-ca", ondie_root(), "info", "--password", "env:AMT_PW"}), via.sim, k_env);
    CHECK(wrong.status == 22);
    CHECK(wrong.err.find("refused") != std::string::npos);

    auto insecure =
        device.amtcfg(over(via, {"--json", "--amt-insecure", "info", "--password", "env:AMT_PW"}),
                      via.sim, k_env);
    INFO(insecure.err);
    REQUIRE(insecure.status == 0);
    CHECK(insecure.json()["tls"]["verified"] == false);
    CHECK(insecure.err.find("--amt-insecure") != std::string::npos);
}

TEST_CASE("AMT 19: ACM by Secure Host-Based Configuration, and the CCM -> ACM upgrade",
          "[cli][amt19]") {
    auto via = path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device(amt19_json());
    std::string escrow = device.dir().file("escrow.jsonl");
    auto acm = device.write("acm.xml", acm_profile());
    SECTION("activation in ACM") {
        auto r =
            device.amtcfg(over(via, {"--json", "configure", "--profile", acm, "--escrow", escrow}),
                          via.sim, k_env);
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.json()["control_mode"] == "acm");
        CHECK(control_mode(device) == "acm");
        CHECK(escrowed_set(escrow, "amt-tls-certificate").starts_with("sha256:"));
        // The same command line again converges over the pinned certificate.
        auto again =
            device.amtcfg(over(via, {"--json", "configure", "--profile", acm, "--escrow", escrow}),
                          via.sim, k_env);
        INFO(again.err);
        CHECK(again.status == 0);
    }
    SECTION("upgrade from CCM") {
        auto ccm = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
        REQUIRE(device
                    .amtcfg(over(via, {"configure", "--profile", ccm, "--escrow", escrow}), via.sim,
                            k_env)
                    .status == 0);
        auto r = device.amtcfg(over(via, {"configure", "--profile", acm, "--escrow", escrow}),
                               via.sim, k_env);
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(control_mode(device) == "acm");
    }
    auto gone = device.amtcfg(
        over(via, {"unconfigure", "--password", "env:AMT_PW", "--amt-insecure"}), via.sim, k_env);
    INFO(gone.err);
    CHECK(gone.status == 0);
    CHECK(control_mode(device) == "pre-provisioning");
}

TEST_CASE("AMT 19: each TLS fault is exit 22 naming its check, and nothing changes",
          "[cli][amt19]") {
    auto [fault, profile_kind, expected] = GENERATE(
        std::tuple<std::string, std::string, std::string>{"tls-bad-chain", "ccm", "verif"},
        std::tuple<std::string, std::string, std::string>{"tls-bad-chain", "acm", "verif"},
        std::tuple<std::string, std::string, std::string>{"tls-wrong-hash", "acm", "AMTCertHash"});
    auto via = path();
    INFO(fault << ", " << profile_kind << " over " << via.options[1]);
    SimDevice device(amt19_json());
    auto profile =
        device.write("p.xml", profile_kind == "acm" ? acm_profile() : ccm_profile("env:AMT_PW"));
    auto sim = via.sim;
    sim.insert(sim.end(), {"--fault", fault});
    auto r = device.amtcfg(over(via, {"configure", "--profile", profile}), sim, k_env);
    INFO(r.err);
    CHECK(r.status == 22);
    CHECK(r.err.find(expected) != std::string::npos);
    auto info = device.info();
    CHECK(info["control_mode"] == "pre-provisioning");
    CHECK(info["provisioning_state"] == "pre");
}

TEST_CASE("AMT 19: a connection dropped after CommitChanges is success when the ME agrees",
          "[cli][amt19]") {
    auto via = path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device(amt19_json());
    auto profile = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    auto sim = via.sim;
    sim.insert(sim.end(), {"--fault", "tls-drop-after-commit"});
    auto r = device.amtcfg(over(via, {"configure", "--profile", profile}), sim, k_env);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(control_mode(device) == "ccm");
}

TEST_CASE("AMT 19: Intel's On-Die CA root is the default, and no environment variable replaces "
          "it",
          "[cli][amt19]") {
    SimDevice device(amt19_json());
    auto profile = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    // The simulated chain comes from the test root, so Intel's refuses it.
    auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
    INFO(r.err);
    CHECK(r.status == 22);
    CHECK(r.err.find("Intel") != std::string::npos);
    CHECK(control_mode(device) == "pre-provisioning");
    // with-sim.sh exports the simulated chain's root for COMMAND (contract), and only the option
    // uses it. Run without AMTCFG_SIM_TLS_DIR, so with-sim.sh makes a chain of its own.
    auto env = k_env;
    env["PROFILE"] = profile;
    // COMMAND is a shell, so with-sim.sh cannot tell the build from it: name the library of
    // amtcfg's build (the ASan one in the ASan build).
    std::string binary = amtcfg_binary();
    env["AMTCFG_SIM_LIB"] = binary.substr(0, binary.rfind('/')) + "/tests/sim/libamtcfg_sim.so";
    auto argv = device.command({});
    argv.pop_back(); // amtcfg itself: a shell runs it with the exported path
    argv.insert(argv.end(),
                {"sh", "-c",
                 "exec \"$0\" --amt-ondie-root \"$AMTCFG_SIM_ONDIE_ROOT\" configure --profile "
                 "\"$PROFILE\"",
                 amtcfg_binary()});
    auto with_option = run(argv, env);
    INFO(with_option.err);
    CHECK(with_option.status == 0);
    CHECK(control_mode(device) == "ccm");
}

TEST_CASE("AMT 19: a CommitChanges that fails returns AMT to pre-provisioning (exit 30)",
          "[cli][amt19]") {
    auto [kind, code] = GENERATE(std::pair<std::string, std::string>{"ccm", "1"},
                                 std::pair<std::string, std::string>{"acm", "2057"});
    auto via = path();
    INFO(kind << " over " << via.options[1]);
    SimDevice device(amt19_json());
    std::string escrow = device.dir().file("escrow.jsonl");
    auto profile = device.write("p.xml", kind == "acm" ? acm_profile() : ccm_profile("random"));
    auto sim = via.sim;
    sim.insert(sim.end(),
               {"--fault", "wsman-return:AMT_SetupAndConfigurationService.CommitChanges=" + code});
    auto r = device.amtcfg(over(via, {"configure", "--profile", profile, "--escrow", escrow}), sim,
                           k_env);
    INFO(r.err);
    CHECK(r.status == 30);
    CHECK(r.err.find("CommitChanges") != std::string::npos);
    auto info = device.info();
    CHECK(info["control_mode"] == "pre-provisioning");
    CHECK(info["provisioning_state"] == "pre");
    if (kind == "ccm") {
        // The generated password never took: the escrow says so.
        CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"failed"});
    }
}

TEST_CASE("AMT 19: unconfigure takes a device stuck in provisioning back with StopConfiguration",
          "[cli][amt19]") {
    auto stuck = amt19_json();
    stuck.replace(stuck.find("\"provisioning_state\": 0"), 23, "\"provisioning_state\": 1");
    SimDevice device(stuck);
    auto r = device.amtcfg({"--json", "unconfigure"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["method"] == "amthi-stop-configuration");
    CHECK(device.info()["provisioning_state"] == "pre");
}
