// amtcfg killed between escrowing a new admin password and setting it in AMT: the password is
// never lost (issues 4 and 5). The simulator saves each change of the device as it happens.
#include "background.hpp"
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace amtcfg::test;
using namespace std::chrono_literals;

namespace {

const std::string k_old_password = "Adm1n!Passw0rd";
const std::map<std::string, std::string> k_env{{"AMT_PW", k_old_password}};
const std::string k_activated = R"({"control_mode": 1, "provisioning_state": 2,
    "admin_password": "Adm1n!Passw0rd"})";
// What the profile asks for after activation, so that calls follow Setup.
const std::string k_features = "  <general ping-response=\"true\"/>\n"
                               "  <network dhcp=\"true\" ip-sync=\"true\"/>\n";

// How long a call is held back before it acts: far longer than a test waits before its kill,
// so a held-back call cannot have acted when the kill lands.
const std::string k_held_back_ms = "600000";
constexpr auto k_wait_limit = 60s;
// Per-call latency for the kills after AMT's call acted: the next call is still pending.
const std::string k_latency_ms = "2000";

// The complete lines of the escrow file (a line without its newline is not written yet).
std::vector<nlohmann::json> escrow_records(const std::string& path) {
    std::vector<nlohmann::json> records;
    std::string text = file_content(path);
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        records.push_back(nlohmann::json::parse(text.substr(start, end - start), nullptr, false));
        start = end + 1;
    }
    return records;
}

// The escrow holds one admin password for this device, 0600, written pending before the kill
// (and, when the run got that far, marked set); returns it (never printed).
std::string check_escrow(const std::string& path, const std::string& uuid,
                         const std::vector<std::string>& statuses = {"pending"}) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto records = escrow_records(path);
    REQUIRE(!records.empty());
    const auto& record = records.front();
    REQUIRE(record.is_object());
    CHECK(record.value("uuid", "") == uuid);
    CHECK(record.value("secret", "") == "admin-password");
    CHECK(record.value("status", "") == "pending");
    CHECK_FALSE(record.value("hostname", "").empty());
    CHECK_FALSE(record.value("time", "").empty());
    CHECK(escrow_statuses(path, "admin-password") == statuses);
    std::string password = record.value("value", "");
    CHECK(password.size() >= 8);
    return password;
}

// The device as the simulator last saved it (not an object before the first change).
nlohmann::json saved_state(const SimDevice& device) {
    return nlohmann::json::parse(file_content(device.state_file()), nullptr, false);
}

// `amtcfg info --password` with this password: 0 when AMT takes it, 21 when it refuses it.
int info_with(const SimDevice& device, const std::string& password) {
    auto file = device.write("try-password", password);
    auto r = device.amtcfg({"info", "--password", "file:" + file});
    INFO(r.err); // amtcfg never prints a password
    CHECK((r.status == 0 || r.status == 21));
    return r.status;
}

} // namespace

TEST_CASE("configure killed between the escrow and Setup leaves the device as it was", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("random", k_features));
    auto escrow = device.dir().file("escrow.jsonl");
    std::vector<std::string> configure{"configure", "--profile", profile, "--escrow", escrow};
    {
        Background run(
            device.command(configure, {"--fault", "wsman-delay:Setup=" + k_held_back_ms}));
        bool escrowed = run.wait_until(
            device.dir().path(), [&] { return !escrow_records(escrow).empty(); }, k_wait_limit);
        INFO(run.err());
        REQUIRE(escrowed);
        REQUIRE(run.kill()); // amtcfg was still running: the kill stopped it
    }
    auto info = device.info();
    check_escrow(escrow, info["uuid"]);
    // Setup was held back longer than the test waited, so it never acted.
    CHECK(info["control_mode"] == "pre-provisioning");
    CHECK(info["provisioning_state"] == "pre");
    // Nothing is lost: the same configure runs again; AMT was not activated, so the first
    // password is marked failed, and the one it escrows and sets is AMT's.
    auto again = device.amtcfg(configure);
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"failed", "set"});
    CHECK(info_with(device, escrowed_set(escrow, "admin-password")) == 0);
    // And once more: the escrowed password logs in, nothing is escrowed again.
    auto third = device.amtcfg(configure);
    INFO(third.err);
    CHECK(third.status == 0);
    CHECK(escrow_statuses(escrow, "admin-password").size() == 2);
}

TEST_CASE("configure killed after Setup acted: the escrowed password is AMT's", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("random", k_features));
    auto escrow = device.dir().file("escrow.jsonl");
    {
        Background run(device.command({"configure", "--profile", profile, "--escrow", escrow},
                                      {"--latency-wsman", k_latency_ms}));
        bool activated = run.wait_until(
            device.dir().path(),
            [&] {
                auto state = saved_state(device);
                return state.is_object() && state.value("control_mode", 0) == 1;
            },
            k_wait_limit);
        INFO(run.err());
        REQUIRE(activated);
        REQUIRE(run.kill()); // the call after Setup was still pending
    }
    auto info = device.info();
    // The kill may land before or after amtcfg marked the password set.
    auto statuses = escrow_statuses(escrow, "admin-password");
    auto password = check_escrow(escrow, info["uuid"], statuses);
    CHECK(info["control_mode"] == "ccm");
    CHECK(info_with(device, password) == 0);
    // The same configure again logs in with the escrowed password, proving it: marked set.
    auto again = device.amtcfg({"configure", "--profile", profile, "--escrow", escrow});
    INFO(again.err);
    CHECK(again.status == 0);
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set"});
    CHECK(escrowed_set(escrow, "admin-password") == password);
}

TEST_CASE("maintain killed between the escrow and SetAdminAclEntryEx: the old password works",
          "[cli]") {
    SimDevice device(k_activated);
    auto escrow = device.dir().file("escrow.jsonl");
    {
        Background run(
            device.command(
                {"maintain", "--rotate-password", "--password", "env:AMT_PW", "--escrow", escrow},
                {"--fault", "wsman-delay:SetAdminAclEntryEx=" + k_held_back_ms}),
            k_env);
        bool escrowed = run.wait_until(
            device.dir().path(), [&] { return !escrow_records(escrow).empty(); }, k_wait_limit);
        INFO(run.err());
        REQUIRE(escrowed);
        REQUIRE(run.kill());
    }
    auto uuid = device.info()["uuid"].get<std::string>();
    auto fresh = check_escrow(escrow, uuid);
    // SetAdminAclEntryEx never acted: exactly the old password works.
    CHECK(info_with(device, k_old_password) == 0);
    CHECK(info_with(device, fresh) == 21);
    // escrow: tries the pending password, finds it is not AMT's and says so in the file; the
    // file holds no password of this device that is set (the old one came from env:).
    auto r = device.amtcfg({"info", "--password", "escrow:" + escrow});
    CHECK(r.status == 21);
    CHECK(r.err.find(escrow) != std::string::npos);
    CHECK(r.err.find(uuid) != std::string::npos);
    CHECK(r.err.find(fresh) == std::string::npos);
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"failed"});
}

TEST_CASE("maintain killed after SetAdminAclEntryEx acted: the escrowed password works", "[cli]") {
    SimDevice device(k_activated);
    auto escrow = device.dir().file("escrow.jsonl");
    {
        Background run(device.command({"maintain", "--rotate-password", "--password", "env:AMT_PW",
                                       "--escrow", escrow},
                                      {"--latency-wsman", k_latency_ms}),
                       k_env);
        bool rotated = run.wait_until(
            device.dir().path(),
            [&] {
                auto state = saved_state(device);
                return state.is_object() && !state.value("admin_password_ha1", "").empty();
            },
            k_wait_limit);
        INFO(run.err());
        REQUIRE(rotated);
        REQUIRE(run.kill()); // the call that proves the new password was still pending
    }
    auto fresh = check_escrow(escrow, device.info()["uuid"]);
    // The new password is AMT's now: exactly the escrowed one works.
    CHECK(info_with(device, fresh) == 0);
    CHECK(info_with(device, k_old_password) == 21);
    // escrow: proves the pending password with a login and marks it set.
    auto r = device.amtcfg({"--json", "info", "--password", "escrow:" + escrow});
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.json().contains("configuration"));
    CHECK(escrow_statuses(escrow, "admin-password") == std::vector<std::string>{"set"});
}
