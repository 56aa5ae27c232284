// configure and unconfigure of the real binary against the simulator, over LME and LMS.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"},
                                               {"AMT_PW2", "0ther#Passw0rd"}};

const std::string k_features = "  <general ping-response=\"true\"/>\n"
                               "  <network dhcp=\"true\" ip-sync=\"true\"/>\n"
                               "  <redirection kvm=\"true\" sol=\"true\" ider=\"false\"/>\n";

std::vector<std::string> strings(const nlohmann::json& array) {
    return array.get<std::vector<std::string>>();
}

} // namespace

TEST_CASE("configure activates CCM, applies the profile, and a second run changes nothing",
          "[cli]") {
    auto [transport, sim_options] = each_transport();
    INFO("transport " << transport);
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", k_features));

    auto first =
        device.amtcfg({"--json", "--transport", transport, "configure", "--profile", profile},
                      sim_options, k_env);
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto result = first.json();
    CHECK(result["control_mode"] == "ccm");
    CHECK(strings(result["changed"]).front() == "activation");
    CHECK(result["escrow"].is_null());
    CHECK(device.info()["control_mode"] == "ccm");

    auto second =
        device.amtcfg({"--json", "--transport", transport, "configure", "--profile", profile},
                      sim_options, k_env);
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(strings(second.json()["changed"]).empty());
    CHECK(second.json()["plan"].empty());
    // The password never reaches the output.
    CHECK(first.out.find("Adm1n!Passw0rd") == std::string::npos);
    CHECK(first.err.find("Adm1n!Passw0rd") == std::string::npos);
}

TEST_CASE("configure --dry-run prints the plan and changes nothing", "[cli]") {
    auto [transport, sim_options] = each_transport();
    INFO("transport " << transport);
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", k_features));
    auto r = device.amtcfg(
        {"--json", "--transport", transport, "configure", "--profile", profile, "--dry-run"},
        sim_options, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto result = r.json();
    CHECK(result["dry_run"] == true);
    REQUIRE(!result["plan"].empty());
    CHECK(result["plan"][0]["setting"] == "control mode");
    CHECK(device.info()["control_mode"] == "pre-provisioning");
    // Before activation only GeneralSettings may be read: the other steps are noted, not guessed.
    auto notes = result["notes"].dump();
    CHECK_THAT(notes, Catch::Contains("network: AMT lets only its admin read these settings"));
    CHECK_THAT(notes, Catch::Contains("redirection: AMT lets only its admin read"));
    for (const auto& row : result["plan"]) {
        CHECK(row["step"] != "network");
        CHECK(row["step"] != "redirection");
    }
}

TEST_CASE("a random password is escrowed 0600 before it is set, and it works", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("random"));
    auto escrow = device.dir().file("escrow.jsonl");

    SECTION("activation succeeds") {
        auto r = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow});
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.json()["escrow"] == escrow);
        struct stat st {};
        REQUIRE(::stat(escrow.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        auto password = escrowed(escrow, "admin-password");
        REQUIRE(password.size() >= 8);
        CHECK(r.out.find(password) == std::string::npos);
        // The escrowed password is the admin password now: unconfigure over WS-Man with it.
        auto file = device.write("pw", password);
        auto u = device.amtcfg({"--json", "unconfigure", "--password", "file:" + file});
        INFO(u.err);
        CHECK(u.status == 0);
        CHECK(u.json()["method"] == "wsman");
    }
    SECTION("Setup fails: the password was escrowed before it was tried") {
        auto r = device.amtcfg({"configure", "--profile", profile, "--escrow", escrow},
                               {"--fault", "wsman-return:Setup=1"});
        CHECK(r.status == 30);
        CHECK(r.err.find("Setup") != std::string::npos);
        CHECK(escrowed(escrow, "admin-password").size() >= 8);
        CHECK(device.info()["control_mode"] == "pre-provisioning");
    }
    SECTION("Setup's reply is lost: AMT activated anyway, amtcfg sees it and goes on") {
        auto r = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow},
                               {"--fault", "wsman-drop:Setup"});
        INFO(r.err);
        CHECK(r.status == 0);
        CHECK(device.info()["control_mode"] == "ccm");
        CHECK(escrowed(escrow, "admin-password").size() >= 8);
    }
    SECTION("random without --escrow is refused before anything happens") {
        auto r = device.amtcfg({"configure", "--profile", profile});
        CHECK(r.status == 3);
        CHECK(r.err.find("escrow") != std::string::npos);
        CHECK(device.info()["control_mode"] == "pre-provisioning");
    }
}

TEST_CASE("an activated device needs its admin password", "[cli]") {
    SimDevice device;
    auto known = device.write("known.xml", ccm_profile("env:AMT_PW"));
    REQUIRE(device.amtcfg({"configure", "--profile", known}, {}, k_env).status == 0);

    auto random = device.write("random.xml", ccm_profile("random"));
    auto escrow = device.dir().file("escrow.jsonl");
    auto r = device.amtcfg({"configure", "--profile", random, "--escrow", escrow});
    CHECK(r.status == 21);
    CHECK(r.err.find("--password") != std::string::npos);

    auto wrong = device.amtcfg({"configure", "--profile", known}, {}, {{"AMT_PW", "Wr0ng!Pass"}});
    CHECK(wrong.status == 21);

    // With the current password, a profile naming another password changes it.
    auto other = device.write("other.xml", ccm_profile("env:AMT_PW2"));
    auto changed = device.amtcfg(
        {"--json", "configure", "--profile", other, "--password", "env:AMT_PW"}, {}, k_env);
    INFO(changed.err);
    REQUIRE(changed.status == 0);
    CHECK(strings(changed.json()["changed"]) == std::vector<std::string>{"admin-password"});
    CHECK(device.amtcfg({"configure", "--profile", other}, {}, k_env).status == 0);
}

TEST_CASE("unconfigure: CCM without a password, refused when not activated", "[cli]") {
    SimDevice device;
    CHECK(device.amtcfg({"unconfigure"}).status == 14);
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    REQUIRE(device.amtcfg({"configure", "--profile", profile}, {}, k_env).status == 0);
    auto r = device.amtcfg({"--json", "unconfigure"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["method"] == "amthi");
    CHECK(r.json()["control_mode"] == "pre-provisioning");
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}

TEST_CASE("profile errors are exit 3 with the file and line", "[cli]") {
    SimDevice device;
    auto bad = device.write("bad.xml", ccm_profile("env:AMT_PW", "  <general pingg=\"true\"/>\n"));
    auto r = device.amtcfg({"configure", "--profile", bad}, {}, k_env);
    CHECK(r.status == 3);
    CHECK(r.err.find("bad.xml:6") != std::string::npos);
    auto tls =
        device.write("tls.xml", ccm_profile("env:AMT_PW",
                                            "  <tls mode=\"server\"><issuer type=\"file\" "
                                            "ca-certificate=\"a.pem\" ca-key=\"a.key\"/></tls>\n"));
    // The <tls> issuer's files are read before the device is touched.
    auto t = device.amtcfg({"configure", "--profile", tls}, {}, k_env);
    CHECK(t.status == 3);
    CHECK(t.err.find("a.pem") != std::string::npos);
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}
