// The device model: defaults, device-file loading over the defaults, and saving (--state).
#include "device.hpp"
#include "simulator.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace amtcfg::sim;
using nlohmann::json;

namespace {

// A fresh directory for one test case, removed afterwards.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "simtest-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

} // namespace

TEST_CASE("keys missing from a device file keep the default device's values", "[sim][unit]") {
    DeviceState device = default_device();
    load_device(json{{"amt_version", "11.8.50"}, {"control_mode", 1}}, device);
    CHECK(device.amt_version == "11.8.50");
    CHECK(device.control_mode == 1);
    CHECK(device.build == default_device().build);
    CHECK(device.cert_hashes.size() == default_device().cert_hashes.size());
    CHECK(device.lan.size() == 1);
}

TEST_CASE("a device file with a wrong value names the key", "[sim][unit]") {
    DeviceState device = default_device();
    CHECK_THROWS_WITH(load_device(json{{"control_mode", 3}}, device),
                      Catch::Contains("control_mode"));
    CHECK_THROWS_WITH(load_device(json{{"build", 5}}, device), Catch::Contains("'build'"));
    CHECK_THROWS_WITH(load_device(json{{"uuid", "nope"}}, device), Catch::Contains("uuid"));
    json bad_hash = {{"cert_hashes", {{{"name", "x"}, {"algorithm", "sha256"}, {"hash", "abcd"}}}}};
    CHECK_THROWS_WITH(load_device(bad_hash, device), Catch::Contains("cert_hashes[0].hash"));
    json bad_lan = {{"lan", {{{"interface", "fibre"}}}}};
    CHECK_THROWS_WITH(load_device(bad_lan, device), Catch::Contains("lan[0].interface"));
    CHECK_THROWS_WITH(
        load_device(json{{"code_versions", {{"AMT", "12345678901234567890"}}}}, device),
        Catch::Contains("at most 19"));
    CHECK_THROWS_WITH(load_device(json{{"shbc", 5}}, device), Catch::Contains("'shbc'"));
    CHECK_THROWS_WITH(
        load_device(json{{"shbc", {{"algorithm", 4}, {"server_cert_hash", std::string(64, 'a')}}}},
                    device),
        Catch::Contains("shbc.algorithm"));
    CHECK_THROWS_WITH(
        load_device(json{{"shbc", {{"algorithm", 3}, {"server_cert_hash", std::string(64, 'a')}}}},
                    device),
        Catch::Contains("96 lower-case hex"));
}

TEST_CASE("a saved device loads back identical", "[sim][unit]") {
    TempDir dir;
    DeviceState device = default_device();
    device.control_mode = 2;
    device.provisioning_state = 2;
    device.admin_password = "P@ssw0rd-secret";
    device.dns_suffix = "corp.example.com";
    device.code_versions = {{"Extra", "1.2"}};
    device.watchdog.no_reply = true;
    device.clients.lme.present = false;
    std::string path = (dir.path / "state.json").string();
    write_device_file(path, device);

    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    DeviceState again = read_device_file(path);
    CHECK(save_device(again) == save_device(device));
}

TEST_CASE("null dns_suffix and admin_password mean none", "[sim][unit]") {
    DeviceState device = default_device();
    device.dns_suffix = "x.com";
    load_device(json{{"dns_suffix", nullptr}, {"admin_password", nullptr}}, device);
    CHECK(device.dns_suffix.empty());
    CHECK(device.admin_password.empty());
    CHECK(save_device(device)["dns_suffix"].is_null());
}

TEST_CASE("the UUID goes on the wire with its first three fields little-endian", "[sim][unit]") {
    auto wire = uuid_wire_bytes("00112233-4455-6677-8899-aabbccddeeff");
    std::array<std::uint8_t, 16> expected = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                                             0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    CHECK(wire == expected);
    CHECK_THROWS(uuid_wire_bytes("00112233-4455-6677-8899-aabbccddeef"));
    CHECK_THROWS(uuid_wire_bytes("00112233x4455-6677-8899-aabbccddeeff"));
}

TEST_CASE("the code-version table follows amt_version, build and sku, then overrides",
          "[sim][unit]") {
    DeviceState device = default_device();
    device.amt_version = "12.0.90";
    device.build = "1234";
    device.sku = "16392";
    device.code_versions = {{"Legacy Mode", "True"}, {"Extra", "x"}};
    auto table = code_version_table(device);
    REQUIRE(table.size() == 11);
    CHECK(table[0].description == "Flash");
    CHECK(table[3].description == "AMT");
    CHECK(table[3].version == "12.0.90");
    CHECK(table[6].version == "1234");
    CHECK(table[9].version == "True");
    CHECK(table[10].description == "Extra");
}

TEST_CASE("modify() marks the shared model changed; read() does not", "[sim][unit]") {
    DeviceModel model(default_device());
    CHECK(model.read([](const DeviceState& d) { return d.control_mode; }) == 0);
    CHECK_FALSE(model.changed());
    model.modify([](DeviceState& d) { d.control_mode = 1; });
    CHECK(model.changed());
    CHECK(model.snapshot().control_mode == 1);
}

TEST_CASE("power schemes: desktop packages by default, a device file may list others",
          "[sim][unit]") {
    DeviceState device = default_device();
    const auto& schemes = device.wsman.classes.at("AMT_SystemPowerScheme");
    REQUIRE(schemes.size() == 2);
    CHECK(device.wsman.current_power_scheme == schemes[0].get("InstanceID"));

    json mobile = {
        {"wsman_classes",
         {{"AMT_SystemPowerScheme",
           {{{"InstanceID", "M1"}, {"Description", "Mobile: ON in S0"}},
            {{"InstanceID", "M2"}, {"Description", "Mobile: ON in S0, S3/AC, S4-5/AC"}}}}}}};
    DeviceState listed = default_device();
    load_device(mobile, listed);
    CHECK(listed.wsman.current_power_scheme == "M1"); // the first listed, when not given
    mobile["current_power_scheme"] = "M2";
    load_device(mobile, listed);
    CHECK(listed.wsman.current_power_scheme == "M2");
    mobile["current_power_scheme"] = nullptr;
    load_device(mobile, listed);
    CHECK(listed.wsman.current_power_scheme.empty());
    DeviceState again = default_device(); // "none current" survives a state file
    load_device(save_device(listed), again);
    CHECK(again.wsman.current_power_scheme.empty());

    CHECK_THROWS_WITH(load_device(json{{"current_power_scheme", "nope"}}, device),
                      Catch::Contains("current_power_scheme"));
    CHECK_THROWS_WITH(load_device(json{{"current_power_scheme", 2}}, device),
                      Catch::Contains("current_power_scheme"));
    CHECK(device.wsman.current_power_scheme == schemes[0].get("InstanceID"));
}

TEST_CASE("with --state every change is saved as it happens, not only at exit", "[sim][unit]") {
    TempDir dir;
    SimConfig config;
    config.state_file = (dir.path / "state.json").string();
    Simulator simulator(config);
    auto& model = simulator.device();
    model.modify([](DeviceState&) {}); // nothing changed: nothing written
    CHECK_FALSE(std::filesystem::exists(config.state_file));
    model.modify([](DeviceState& d) { d.control_mode = 1; });
    REQUIRE(std::filesystem::exists(config.state_file));
    CHECK(read_device_file(config.state_file).control_mode == 1);
    model.modify([](DeviceState& d) { d.hostname = "renamed"; });
    CHECK(read_device_file(config.state_file).hostname == "renamed");
}
