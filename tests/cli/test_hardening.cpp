// Secrets and files, hardened: traces and logs without secrets, defused errors, refused paths.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace amtcfg::test;

namespace {

const std::string k_password = "Adm1n!Passw0rd";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// MD5("admin:realm:password"): hex as Setup sends it, and base64 as the ACL methods do.
std::pair<std::string, std::string> admin_digests(const std::string& realm) {
    std::string input = "admin:" + realm + ":" + k_password;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(input.data(), input.size(), digest, &size, EVP_md5(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
        constexpr const char* k_digits = "0123456789abcdef";
        hex += k_digits[digest[i] >> 4U];
        hex += k_digits[digest[i] & 15U];
    }
    unsigned char base64[64] = {};
    EVP_EncodeBlock(base64, digest, static_cast<int>(size));
    return {hex, reinterpret_cast<char*>(base64)};
}

} // namespace

TEST_CASE("-vvv traces and the log file never show the password or its digests", "[cli]") {
    auto [transport, sim_options] = each_transport();
    INFO("transport " << transport);
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW"));
    std::string log = device.dir().file("amtcfg.log");
    std::map<std::string, std::string> env{{"AMT_PW", k_password}};
    auto r = device.amtcfg(
        {"-vvv", "--log-file", log, "--transport", transport, "configure", "--profile", profile},
        sim_options, env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    // A second run logs in with the password and reads everything back (responses traced).
    auto again = device.amtcfg(
        {"-vvv", "--log-file", log, "--transport", transport, "info", "--password", "env:AMT_PW"},
        sim_options, env);
    INFO(again.err);
    REQUIRE(again.status == 0);
    std::string realm = nlohmann::json::parse(slurp(device.state_file()))["realm"];
    auto [hex, base64] = admin_digests(realm);
    std::string logged = slurp(log);
    for (const std::string* text : {&r.err, &r.out, &again.err, &again.out, &logged}) {
        CHECK(text->find(k_password) == std::string::npos);
        CHECK(text->find(hex) == std::string::npos);
        CHECK(text->find(base64) == std::string::npos);
    }
    // The traces are there, with the secret element redacted: the checks above looked at them.
    CHECK(std::regex_search(r.err, std::regex("NetworkAdminPassword><redacted></")));
    CHECK(r.err.find("wsman response") != std::string::npos);
    CHECK(again.err.find("wsman response") != std::string::npos);
    CHECK(logged.find("wsman response") != std::string::npos);
}

TEST_CASE("error messages are redacted, defused and written to the log file", "[cli]") {
    TempDir dir;
    std::string log = dir.file("amtcfg.log");
    // The path is outside text: it carries the new MEBx password and terminal escapes, as an
    // answer echoed from AMT or a parser could.
    std::string path = dir.file("no-such-dir/N3w-Passw0rd!\x1b[2J\x1b]0;owned\x07/setup.bin");
    auto r = run({amtcfg_binary(), "--log-file", log, "create-psk", "--setup-bin", path,
                  "--current-mebx-password", "admin", "--new-mebx-password", "env:NEW_MEBX"},
                 {{"NEW_MEBX", "N3w-Passw0rd!"}});
    CHECK(r.status == 2);
    INFO(r.err);
    std::string expected =
        "no-such-dir/<redacted>\\x1b[2J\\x1b]0;owned\\x07/setup.bin: No such file or directory";
    CHECK(r.err.find("amtcfg: error: cannot create the setup.bin next to") != std::string::npos);
    CHECK(r.err.find(expected) != std::string::npos);
    std::string logged = slurp(log);
    INFO(logged);
    CHECK(std::regex_search(logged,
                            std::regex(R"(Z error   cannot create the setup\.bin next to )")));
    CHECK(logged.find(expected) != std::string::npos);
    for (const std::string* text : {&r.err, &r.out, &logged}) {
        CHECK(text->find("N3w-Passw0rd!") == std::string::npos);
        CHECK(text->find('\x1b') == std::string::npos);
        CHECK(text->find('\x07') == std::string::npos);
    }

    auto json = run({amtcfg_binary(), "--json", "create-psk", "--setup-bin", path,
                     "--current-mebx-password", "admin", "--new-mebx-password", "env:NEW_MEBX"},
                    {{"NEW_MEBX", "N3w-Passw0rd!"}});
    CHECK(json.status == 2);
    std::string message = json.json()["error"]["message"];
    CHECK(message.find(expected) != std::string::npos);
}

TEST_CASE("a log file that is a link, a FIFO or open to others is refused with exit 2", "[cli]") {
    TempDir dir;
    std::ofstream(dir.file("target")) << "";
    ::chmod(dir.file("target").c_str(), 0600);
    std::filesystem::create_symlink(dir.file("target"), dir.file("link.log"));
    auto link = run({amtcfg_binary(), "--log-file", dir.file("link.log"), "version"});
    CHECK(link.status == 2);
    CHECK(link.err.find("symbolic link") != std::string::npos);

    REQUIRE(::mkfifo(dir.file("log.fifo").c_str(), 0600) == 0);
    // Bounded by timeout(1): an open that waited for a reader would end as status 124.
    auto fifo =
        run({"timeout", "30", amtcfg_binary(), "--log-file", dir.file("log.fifo"), "version"});
    CHECK(fifo.status == 2);
    CHECK(fifo.err.find("FIFO") != std::string::npos);

    std::ofstream(dir.file("open.log")) << "";
    ::chmod(dir.file("open.log").c_str(), 0640);
    auto open = run({amtcfg_binary(), "--log-file", dir.file("open.log"), "version"});
    CHECK(open.status == 2);
    CHECK(open.err.find("chmod 600") != std::string::npos);

    auto fresh = run({amtcfg_binary(), "--log-file", dir.file("new.log"), "version"});
    CHECK(fresh.status == 0);
    struct stat info {};
    REQUIRE(::stat(dir.file("new.log").c_str(), &info) == 0);
    CHECK((info.st_mode & 07777U) == 0600U);
}

TEST_CASE("a FIFO as escrow file ends configure at once with exit 2, before AMT is touched",
          "[cli]") {
    SimDevice device;
    auto profile = device.write("p.xml", ccm_profile("random"));
    std::string fifo = device.dir().file("escrow.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::vector<std::string> argv{"timeout", "60"};
    for (const auto& arg : device.command({"configure", "--profile", profile, "--escrow", fifo})) {
        argv.push_back(arg);
    }
    auto r = run(argv);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("not a regular file") != std::string::npos);
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}

TEST_CASE("-vv says how the process was hardened", "[cli]") {
    auto r = run({amtcfg_binary(), "-vv", "version"});
    REQUIRE(r.status == 0);
    CHECK(r.err.find("hardening: core dumps off, ") != std::string::npos);
}
