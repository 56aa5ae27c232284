// The escrow as deployments use it: the same configure command line on every run, escrow:FILE
// for --password, and the nightly maintain task after its own password rotation.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace amtcfg::test;

namespace {

const std::string k_features = "  <general ping-response=\"true\"/>\n"
                               "  <network dhcp=\"true\" ip-sync=\"true\"/>\n";
const std::string k_password = "Adm1n!Passw0rd";
const std::string k_activated = R"({"control_mode": 1, "provisioning_state": 2,
    "admin_password": "Adm1n!Passw0rd"})";

// The words of the ExecStart= line of scripts/amtcfg-maintain.service, with the unit's absolute
// paths moved under `root` (the binary becomes the one under test); nothing else changes.
std::vector<std::string> unit_command_line(const std::string& root) {
    std::ifstream unit(source_path("scripts/amtcfg-maintain.service"));
    std::string line;
    while (std::getline(unit, line) && line.rfind("ExecStart=", 0) != 0) {
    }
    REQUIRE(line.rfind("ExecStart=", 0) == 0);
    std::istringstream words(line.substr(10));
    std::vector<std::string> argv;
    for (std::string word; words >> word;) {
        for (const std::string prefix : {"/etc/amtcfg/", "/var/log/"}) {
            if (auto at = word.find(prefix); at != std::string::npos) {
                word.insert(at, root);
            }
        }
        argv.push_back(word);
    }
    REQUIRE(argv.at(0) == "/usr/local/bin/amtcfg");
    argv[0] = amtcfg_binary();
    return argv;
}

// A legacy escrow line (no status, as amtcfg wrote before statuses existed).
std::string legacy_line(const std::string& uuid, const std::string& value) {
    return R"({"time":"2026-01-02T03:04:05.000Z","uuid":")" + uuid +
           R"(","hostname":"ws17","secret":"admin-password","value":")" + value + "\"}\n";
}

std::string write_private(const SimDevice& device, const std::string& name,
                          const std::string& content) {
    auto path = device.write(name, content);
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    return path;
}

} // namespace

TEST_CASE("the same configure command line converges on every run", "[cli]") {
    auto [transport, sim] = each_transport();
    INFO("amtcfg --transport " << transport);
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("random", k_features));
    auto escrow = device.dir().file("escrow.jsonl");
    std::vector<std::string> command{"--json",    "--transport", transport,  "configure",
                                     "--profile", profile,       "--escrow", escrow};
    for (int run = 1; run <= 3; ++run) {
        INFO("run " << run);
        auto r = device.amtcfg(command, sim);
        INFO(r.err);
        REQUIRE(r.status == 0);
        auto result = r.json();
        CHECK(result["control_mode"] == "ccm");
        if (run == 1) {
            CHECK(result["changed"].size() > 0);
        } else {
            CHECK(result["changed"] == nlohmann::json::array());
            CHECK(result["plan"] == nlohmann::json::array());
        }
        // One admin password, set, escrowed by the first run only.
        CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set"});
    }
    auto password = device.write("pw", escrowed_set(escrow, "admin-password"));
    CHECK(device.amtcfg({"info", "--password", "file:" + password}).status == 0);
}

TEST_CASE("after a rotation the nightly unit's own command line exits 0", "[cli]") {
    SimDevice device;
    std::string root = device.dir().path();
    std::filesystem::create_directories(root + "/etc/amtcfg");
    std::filesystem::create_directories(root + "/var/log");
    std::string profile = root + "/etc/amtcfg/profile.xml";
    std::string escrow = root + "/etc/amtcfg/escrow.jsonl";
    std::ofstream(profile) << ccm_profile("random", k_features + "  <maintenance "
                                                                 "rotate-password-days=\"30\"/>\n");
    auto configure = device.amtcfg({"configure", "--profile", profile, "--escrow", escrow});
    INFO(configure.err);
    REQUIRE(configure.status == 0);
    auto first = escrowed_set(escrow, "admin-password");

    auto rotate = device.amtcfg({"--json", "maintain", "--rotate-password", "--password",
                                 "escrow:" + escrow, "--escrow", escrow});
    INFO(rotate.err);
    REQUIRE(rotate.status == 0);
    CHECK(check_named(rotate.json(), "password")["done"] == true);
    auto second = escrowed_set(escrow, "admin-password");
    CHECK(second != first);
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set", "set"});

    // The unit's ExecStart, word for word: it logs in with the rotated password, and the
    // schedule (30 days) counts from the rotation, so no rotation is due.
    auto argv = device.command({}); // with-sim.sh ... -- amtcfg
    argv.pop_back();                // the unit's line names the binary
    auto unit = unit_command_line(root);
    argv.insert(argv.end(), unit.begin(), unit.end());
    auto nightly = run(argv);
    INFO(nightly.err);
    CHECK(nightly.status == 0);
    CHECK(escrow_statuses(escrow, "admin-password").size() == 2);
    CHECK(file_content(root + "/var/log/amtcfg.log").find(second) == std::string::npos);
    // The old password is gone from AMT: the unit could not have used it.
    auto old_file = device.write("old-pw", first);
    CHECK(device.amtcfg({"info", "--password", "file:" + old_file}).status == 21);
}

TEST_CASE("escrow:FILE gives info, configure, maintain and unconfigure this device's password",
          "[cli]") {
    SimDevice device(k_activated);
    std::string uuid = device.info()["uuid"];
    // Records of another device and a legacy record (no status) of this one.
    auto escrow = write_private(device, "escrow.jsonl",
                                legacy_line("00000000-0000-0000-0000-000000000000", "Wr0ng!Pass") +
                                    legacy_line(uuid, k_password));
    std::string source = "escrow:" + escrow;

    auto info = device.amtcfg({"--json", "info", "--password", source});
    INFO(info.err);
    REQUIRE(info.status == 0);
    CHECK(info.json()["configuration"].is_object());

    auto profile = device.write("p.xml", ccm_profile("random", k_features));
    auto configure = device.amtcfg(
        {"--json", "configure", "--profile", profile, "--password", source, "--escrow", escrow});
    INFO(configure.err);
    CHECK(configure.status == 0);

    auto maintain = device.amtcfg({"--json", "maintain", "--sync-clock", "--password", source});
    INFO(maintain.err);
    CHECK(maintain.status == 0);

    auto unconfigure = device.amtcfg({"--json", "unconfigure", "--password", source});
    INFO(unconfigure.err);
    CHECK(unconfigure.status == 0);
    CHECK(unconfigure.json()["method"] == "wsman");
    CHECK(file_content(escrow).find("\"status\"") == std::string::npos); // only read
}

TEST_CASE("escrow:FILE without this device's password, unsafe or malformed, is refused", "[cli]") {
    SimDevice device(k_activated);
    std::string uuid = device.info()["uuid"];
    auto escrow = write_private(device, "escrow.jsonl",
                                legacy_line("00000000-0000-0000-0000-000000000000", k_password));
    std::vector<std::string> info{"info", "--password", "escrow:" + escrow};

    auto missing = device.amtcfg(info);
    CHECK(missing.status == 21);
    CHECK(missing.err.find(escrow) != std::string::npos);
    CHECK(missing.err.find(uuid) != std::string::npos);

    REQUIRE(::chmod(escrow.c_str(), 0644) == 0);
    auto unsafe = device.amtcfg(info);
    CHECK(unsafe.status == 2);
    CHECK(unsafe.err.find("chmod 600") != std::string::npos);

    auto torn = write_private(device, "torn.jsonl", "{\"time\":\n" + legacy_line(uuid, k_password));
    auto malformed = device.amtcfg({"info", "--password", "escrow:" + torn});
    CHECK(malformed.status == 3);
    CHECK(malformed.err.find("line 1") != std::string::npos);
    CHECK(malformed.err.find(k_password) == std::string::npos);

    auto absent = device.amtcfg({"info", "--password", "escrow:" + device.dir().file("none")});
    CHECK(absent.status == 2);
    CHECK(absent.err.find("does not exist") != std::string::npos);
}
