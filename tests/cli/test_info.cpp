// `amtcfg info` against the simulator: each sample device, and each MEI fault (tests/sim).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg::test;
using nlohmann::json;

namespace {

// with-sim.sh with the simulator library of this build (build-asan uses its own).
std::map<std::string, std::string> sim_env() {
    return {{"AMTCFG_SIM_LIB", AMTCFG_BINARY_DIR "/tests/sim/libamtcfg_sim.so"}};
}

Run info_with(const std::vector<std::string>& sim_args,
              const std::map<std::string, std::string>& extra_env = {}) {
    std::vector<std::string> argv = {with_sim()};
    argv.insert(argv.end(), sim_args.begin(), sim_args.end());
    for (const auto& a :
         {std::string("--"), amtcfg_binary(), std::string("--json"), std::string("info")}) {
        argv.push_back(a);
    }
    auto env = sim_env();
    env.insert(extra_env.begin(), extra_env.end());
    return run(argv, env);
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    return json::parse(in);
}

const char* control_mode_name(int mode) {
    return mode == 0 ? "pre-provisioning" : mode == 1 ? "ccm" : "acm";
}
const char* provisioning_state_name(int state) {
    return state == 0 ? "pre" : state == 1 ? "in" : "post";
}

} // namespace

TEST_CASE("info --json reports exactly what each sample device file says", "[cli][sim]") {
    auto name = GENERATE(as<std::string>{}, "amt11", "amt12", "amt15", "amt16", "amt19");
    std::string file = source_path("tests/sim/devices/" + name + ".json");
    json device = read_json(file);
    auto r = info_with({"--device-file", file});
    INFO(name << "\n" << r.err);
    REQUIRE(r.status == 0);
    json info = r.json();
    CHECK(info["amt"]["version"] == device["amt_version"]);
    CHECK(info["amt"]["build"] == device["build"]);
    CHECK(info["amt"]["sku"] == device["sku"]);
    CHECK(info["uuid"] == device["uuid"]);
    CHECK(info["control_mode"] == control_mode_name(device["control_mode"].get<int>()));
    CHECK(info["provisioning_state"] ==
          provisioning_state_name(device["provisioning_state"].get<int>()));
    CHECK(info["dns_suffix"] == device["dns_suffix"]);
    CHECK(info["tls_enforced"] == device["tls_enforced"]);
    if (device.contains("cert_hashes")) {
        CHECK(info["cert_hashes"] == device["cert_hashes"]);
    }
    REQUIRE(info["lan"].size() == device["lan"].size());
    for (std::size_t i = 0; i < device["lan"].size(); ++i) {
        for (const char* key : {"interface", "dhcp", "link_up", "ip", "mac"}) {
            CHECK(info["lan"][i][key] == device["lan"][i][key]);
        }
    }
}

TEST_CASE("info: the ME busy beyond the client's retries is exit 12", "[cli][sim]") {
    auto r = info_with({"--fault", "mei-busy:1000"});
    CHECK(r.status == 12);
    CHECK(r.json()["error"]["message"].get<std::string>().find("busy") != std::string::npos);
}

TEST_CASE("info: a few busy connects are retried and succeed", "[cli][sim]") {
    auto r = info_with({"--fault", "mei-busy:2"});
    CHECK(r.status == 0);
    CHECK(r.json()["amt"]["version"] == "16.1.25");
}

TEST_CASE("info: no MEI node is exit 10, permission denied is exit 11", "[cli][sim]") {
    auto absent = info_with({"--fault", "no-mei"});
    CHECK(absent.status == 10);
    CHECK(absent.json()["error"]["message"].get<std::string>().find("no MEI device") !=
          std::string::npos);
    auto denied = info_with({"--fault", "mei-denied"});
    CHECK(denied.status == 11);
    CHECK(denied.json()["error"]["message"].get<std::string>().find("permission denied") !=
          std::string::npos);
}

TEST_CASE("info: a non-zero AMTHI status names the command and the status", "[cli][sim]") {
    auto r = info_with({"--fault", "amthi-status:GetUUID=1"});
    CHECK(r.status == 13);
    auto message = r.json()["error"]["message"].get<std::string>();
    CHECK(message.find("GetUUID") != std::string::npos);
    CHECK(message.find("INTERNAL_ERROR") != std::string::npos);
}

TEST_CASE("info: truncated or garbled AMTHI replies are rejected as malformed", "[cli][sim]") {
    auto spec = GENERATE(as<std::string>{}, "amthi-short:GetUUID", "amthi-garble:GetControlMode",
                         "amthi-short:GetCertHashEntry", "amthi-garble:GetLANInterfaceSettings");
    auto r = info_with({"--fault", spec});
    INFO(spec << "\n" << r.err);
    CHECK(r.status == 13);
    CHECK(r.json()["error"]["message"].get<std::string>().find("malformed reply") !=
          std::string::npos);
}

TEST_CASE("info: when GetCodeVersions fails, the version comes from MKHI", "[cli][sim]") {
    auto spec = GENERATE(as<std::string>{}, "amthi-status:GetCodeVersions=1",
                         "amthi-garble:GetCodeVersions");
    auto r = info_with({"--fault", spec});
    INFO(spec << "\n" << r.err);
    REQUIRE(r.status == 0);
    // The default device is AMT 16.1.25 build 2051; MKHI knows no SKU.
    CHECK(r.json()["amt"]["version"] == "16.1.25");
    CHECK(r.json()["amt"]["build"] == "2051");
    CHECK(r.json()["amt"]["sku"] == "");
    CHECK(r.json()["uuid"] == "8c8a0a58-1d23-4c5e-9a3b-5e2f1a7c9d01");
    CHECK(r.err.find("GetCodeVersions") != std::string::npos);
    CHECK(r.err.find("MKHI") != std::string::npos);
}

TEST_CASE("info: a firmware reset mid-way is survived by reconnecting", "[cli][sim]") {
    auto r = info_with({"--fault", "mei-reset-after:3"});
    CHECK(r.status == 0);
    CHECK(r.json()["uuid"] == "8c8a0a58-1d23-4c5e-9a3b-5e2f1a7c9d01");
}

TEST_CASE("info: without the LME client the transport reports lme false", "[cli][sim]") {
    auto r = info_with({"--fault", "no-lme"});
    CHECK(r.status == 0);
    CHECK(r.json()["transport"]["lme"] == false);
}

TEST_CASE("info: --state keeps the device across runs and wins over --device-file", "[cli][sim]") {
    TempDir dir;
    std::string state = dir.file("state.json");
    CHECK(
        info_with({"--device-file", source_path("tests/sim/devices/amt12.json"), "--state", state})
            .status == 0);
    CHECK(read_json(state)["amt_version"] == "12.0.90");
    auto again =
        info_with({"--device-file", source_path("tests/sim/devices/amt15.json"), "--state", state});
    CHECK(again.status == 0);
    CHECK(again.json()["amt"]["version"] == "12.0.90");
}

TEST_CASE("info: one connect per ME client, and every request answered (AMTCFG_SIM_STATS)",
          "[cli][sim]") {
    TempDir dir;
    std::string stats = dir.file("stats.json");
    auto r = info_with({"--latency-mei", "2"}, {{"AMTCFG_SIM_STATS", stats}});
    CHECK(r.status == 0);
    json counters = read_json(stats);
    CHECK(counters["mei"]["amthi"]["connects"] == 1);
    CHECK(counters["mei"]["amthi"]["requests"] == counters["mei"]["amthi"]["replies"]);
    CHECK(counters["mei"]["amthi"]["requests"].get<int>() >= 8);
}

TEST_CASE("info: an AMTHI command that is never answered is exit 40 within --timeout",
          "[cli][sim]") {
    std::vector<std::string> argv = {with_sim(), "--fault",       "amthi-timeout:GetControlMode",
                                     "--",       amtcfg_binary(), "--timeout",
                                     "1s",       "--json",        "info"};
    auto r = run(argv, sim_env());
    CHECK(r.status == 40);
    CHECK(r.json()["error"]["message"].get<std::string>().find("timed out") != std::string::npos);
}
