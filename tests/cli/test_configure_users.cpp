// configure with a profile's <users> against the simulator: added, escrowed, kept, re-realmed.
#include "sim_support.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"},
                                               {"HELPDESK_PW", "H3lp!Desk-pw"}};

std::string user_xml(const std::string& name, const std::string& source,
                     const std::string& realms) {
    return "    <user name=\"" + name + "\" password-source=\"" + source + "\" realms=\"" + realms +
           "\"/>\n";
}

std::string users_profile(const std::string& users) {
    return ccm_profile("env:AMT_PW", "  <users>\n" + users + "  </users>\n");
}

const std::string k_two_users =
    user_xml("helpdesk", "env:HELPDESK_PW", "redirection,hardware-asset") +
    user_xml("ops", "random", "remote-control");

nlohmann::json state(const SimDevice& device) {
    std::ifstream in(device.dir().file("state.json"));
    return nlohmann::json::parse(in);
}

// The state file's user entries by name.
std::map<std::string, nlohmann::json> users_of(const SimDevice& device) {
    std::map<std::string, nlohmann::json> out;
    auto json = state(device); // alive across the loop
    for (const auto& user : json["users"]) {
        out[user["name"].get<std::string>()] = user;
    }
    return out;
}

// MD5 of name:realm:password: AMT keeps it as the user's digest HA1 (hex in the state file) and
// AddUserAclEntryEx carries it as DigestPassword (base64); either lets one log in as the user.
std::vector<unsigned char> md5(const std::string& name, const std::string& realm,
                               const std::string& password) {
    std::string text = name + ":" + realm + ":" + password;
    std::vector<unsigned char> digest(EVP_MAX_MD_SIZE);
    unsigned size = 0;
    REQUIRE(EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_md5(), nullptr) == 1);
    digest.resize(size);
    return digest;
}

std::string ha1(const std::string& name, const std::string& realm, const std::string& password) {
    std::string hex;
    for (unsigned char byte : md5(name, realm, password)) {
        constexpr char k_digits[] = "0123456789abcdef";
        hex += k_digits[byte >> 4];
        hex += k_digits[byte & 0xF];
    }
    return hex;
}

std::string digest_base64(const std::string& name, const std::string& realm,
                          const std::string& password) {
    auto digest = md5(name, realm, password);
    std::string out(4 * ((digest.size() + 2) / 3) + 1, '\0');
    auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest.data(),
                                static_cast<int>(digest.size()));
    out.resize(static_cast<std::size_t>(size));
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has(const nlohmann::json& list, const std::string& name) {
    auto names = list.get<std::vector<std::string>>();
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

TEST_CASE("configure adds the profile's users; a second run leaves them unchanged", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", users_profile(k_two_users));
    auto escrow = device.dir().file("escrow.jsonl");
    std::vector<std::string> args{"--json", "configure", "--profile", profile, "--escrow", escrow};
    auto log = device.dir().file("trace.log");
    auto traced = args;
    traced.insert(traced.begin(), {"-vvv", "--log-file", log});

    auto first = device.amtcfg(traced, {}, k_env);
    INFO(first.err);
    REQUIRE(first.status == 0);
    CHECK(has(first.json()["changed"], "users"));
    auto users = users_of(device);
    REQUIRE(users.size() == 2);
    CHECK(users["helpdesk"]["realms"] == nlohmann::json({"2", "4"}));
    CHECK(users["ops"]["realms"] == nlohmann::json({"5"}));
    CHECK(users["ops"]["access_permission"] == 2);
    // Each user's digest is of the password the profile names, or of the escrowed one.
    std::string realm = state(device)["realm"];
    CHECK(users["helpdesk"]["ha1"] == ha1("helpdesk", realm, "H3lp!Desk-pw"));
    auto generated = escrowed(escrow, "user:ops");
    REQUIRE(generated.size() >= 8);
    CHECK(users["ops"]["ha1"] == ha1("ops", realm, generated));
    // Neither a password nor its digest reaches the output or the trace log.
    auto trace = read_file(log);
    REQUIRE(trace.find("AddUserAclEntryEx") != std::string::npos);
    for (const auto& secret :
         {std::string("H3lp!Desk-pw"), generated, digest_base64("helpdesk", realm, "H3lp!Desk-pw"),
          digest_base64("ops", realm, generated)}) {
        CHECK(first.out.find(secret) == std::string::npos);
        CHECK(first.err.find(secret) == std::string::npos);
        CHECK(trace.find(secret) == std::string::npos);
    }

    auto second = device.amtcfg(args, {}, k_env);
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(has(second.json()["unchanged"], "users"));
    CHECK(second.json()["plan"].empty());
    CHECK(users_of(device)["ops"]["ha1"] == users["ops"]["ha1"]); // no new password
}

TEST_CASE("configure --dry-run plans the users and adds none", "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", users_profile(k_two_users));
    auto escrow = device.dir().file("escrow.jsonl");
    auto r = device.amtcfg(
        {"--json", "configure", "--profile", profile, "--escrow", escrow, "--dry-run"}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::vector<std::string> settings;
    auto result = r.json(); // alive across the loop
    for (const auto& change : result["plan"]) {
        if (change["step"] == "users") {
            settings.push_back(change["setting"]);
        }
    }
    CHECK(settings == std::vector<std::string>{"user helpdesk", "user ops"});
    CHECK(users_of(device).empty());
    CHECK(escrowed(escrow, "user:ops").empty());
}

TEST_CASE("a user AMT has with other realms gets the profile's, password kept", "[cli]") {
    SimDevice device;
    auto before = device.write("before.xml", users_profile(k_two_users));
    auto escrow = device.dir().file("escrow.jsonl");
    REQUIRE(
        device.amtcfg({"configure", "--profile", before, "--escrow", escrow}, {}, k_env).status ==
        0);
    auto old = users_of(device);

    auto after = device.write(
        "after.xml", users_profile(user_xml("helpdesk", "env:HELPDESK_PW", "general-info") +
                                   user_xml("ops", "random", "remote-control")));
    auto dry = device.amtcfg(
        {"--json", "configure", "--profile", after, "--escrow", escrow, "--dry-run"}, {}, k_env);
    INFO(dry.err);
    REQUIRE(dry.status == 0);
    REQUIRE(dry.json()["plan"].size() == 1);
    CHECK(dry.json()["plan"][0]["setting"] == "realms of user helpdesk");
    CHECK(dry.json()["plan"][0]["current"] == "redirection,hardware-asset");
    CHECK(dry.json()["plan"][0]["wanted"] == "general-info");

    auto r =
        device.amtcfg({"--json", "configure", "--profile", after, "--escrow", escrow}, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(has(r.json()["changed"], "users"));
    auto users = users_of(device);
    CHECK(users["helpdesk"]["realms"] == nlohmann::json({"13"}));
    CHECK(users["helpdesk"]["handle"] == old["helpdesk"]["handle"]);
    CHECK(users["helpdesk"]["ha1"] == old["helpdesk"]["ha1"]);
    CHECK(users["ops"] == old["ops"]);
}

TEST_CASE("AMT refusing a user fails the users step with exit 32 and AMT's status", "[cli]") {
    SimDevice device;
    auto escrow = device.dir().file("escrow.jsonl");

    SECTION("a ninth user: MAX_LIMIT_REACHED, the first eight stay") {
        std::string users;
        for (int i = 1; i <= 9; ++i) {
            users += user_xml("user" + std::to_string(i), "env:HELPDESK_PW", "redirection");
        }
        auto profile = device.write("p.xml", users_profile(users));
        auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
        CHECK(r.status == 32);
        CHECK(r.err.find("step \"users\" failed") != std::string::npos);
        CHECK(r.err.find("AddUserAclEntryEx (user9) returned 23 (MAX_LIMIT_REACHED)") !=
              std::string::npos);
        CHECK(users_of(device).size() == 8);
    }
    SECTION("DUPLICATE from AMT; a random password was escrowed before the call") {
        auto profile = device.write("p.xml", users_profile(user_xml("ops", "random", "storage")));
        auto r = device.amtcfg({"configure", "--profile", profile, "--escrow", escrow},
                               {"--fault", "wsman-return:AddUserAclEntryEx=2058"}, k_env);
        CHECK(r.status == 32);
        CHECK(r.err.find("AddUserAclEntryEx (ops) returned 2058 (DUPLICATE)") != std::string::npos);
        CHECK(escrowed(escrow, "user:ops").size() >= 8);
        CHECK(users_of(device).empty());
    }
    SECTION("a name AMT reserves is a profile error before anything happens") {
        auto profile =
            device.write("p.xml", users_profile(user_xml("Admin", "env:HELPDESK_PW", "storage")));
        auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
        CHECK(r.status == 3);
        CHECK(r.err.find("invalid user name \"Admin\"") != std::string::npos);
        CHECK(device.info()["control_mode"] == "pre-provisioning");
    }
}
