// `amtcfg create-psk` end to end: PID/PPS lists, setup.bin files and their inspection.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <sys/stat.h>

using namespace amtcfg::test;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777U;
}

const std::regex k_csv_line(R"([A-Z0-9]{4}-[A-Z0-9]{4},([A-Z0-9]{4}-){7}[A-Z0-9]{4})");

} // namespace

TEST_CASE("create-psk --count writes a 0600 CSV list of valid pairs", "[cli]") {
    TempDir dir;
    auto r = run({amtcfg_binary(), "create-psk", "--count", "5", "--out", dir.file("keys.csv")});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out == "wrote 5 PID/PPS pairs to " + dir.file("keys.csv") + " (csv, mode 0600)\n");
    CHECK(mode_of(dir.file("keys.csv")) == 0600U);
    std::istringstream lines(slurp(dir.file("keys.csv")));
    std::string line;
    std::getline(lines, line);
    CHECK(line == "pid,pps");
    int count = 0;
    while (std::getline(lines, line)) {
        CHECK(std::regex_match(line, k_csv_line));
        ++count;
    }
    CHECK(count == 5);
    // Only the temp-free result is left in the directory.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("create-psk --json names the PIDs but never prints a PPS", "[cli]") {
    TempDir dir;
    auto r = run({amtcfg_binary(), "--json", "create-psk", "--count", "2", "--format", "json",
                  "--out", dir.file("keys.json")});
    REQUIRE(r.status == 0);
    auto j = r.json();
    CHECK(j["count"] == 2);
    CHECK(j["format"] == "json");
    REQUIRE(j["pids"].size() == 2);
    std::string list = slurp(dir.file("keys.json"));
    CHECK(list.find(j["pids"][0].get<std::string>()) != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(list, m, std::regex(R"re("pps": "([A-Z0-9-]{39})")re")));
    CHECK(r.out.find(m[1].str()) == std::string::npos);
    CHECK(r.err.find(m[1].str()) == std::string::npos);
}

TEST_CASE("create-psk without --out prints the list; with --json it refuses", "[cli]") {
    auto r = run({amtcfg_binary(), "create-psk", "--count", "1"});
    REQUIRE(r.status == 0);
    std::istringstream lines(r.out);
    std::string header, pair;
    std::getline(lines, header);
    std::getline(lines, pair);
    CHECK(header == "pid,pps");
    CHECK(std::regex_match(pair, k_csv_line));

    auto refused = run({amtcfg_binary(), "--json", "create-psk", "--count", "1"});
    CHECK(refused.status == 2);
    CHECK(refused.json()["error"]["message"].get<std::string>().find("--out FILE") !=
          std::string::npos);
}

TEST_CASE("create-psk refuses a count out of range and a missing mode", "[cli]") {
    CHECK(run({amtcfg_binary(), "create-psk", "--count", "10001"}).status == 2);
    CHECK(run({amtcfg_binary(), "create-psk"}).status == 2);
    CHECK(run({amtcfg_binary(), "create-psk", "--count", "1", "--format", "xml"}).status == 2);
}

TEST_CASE("every create-psk option is documented in the man page", "[cli]") {
    auto help = run({amtcfg_binary(), "create-psk", "--help"});
    REQUIRE(help.status == 0);
    std::string man = slurp(source_path("man/amtcfg.1"));
    std::regex option_re(R"((?:^|[ ,])(--[a-z][a-z0-9-]+))");
    int count = 0;
    for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option_re);
         it != std::sregex_iterator(); ++it) {
        std::string option = (*it)[1];
        if (option == "--help") {
            continue;
        }
        INFO("option " << option);
        CHECK(man.find(std::regex_replace(option, std::regex("-"), "\\-")) != std::string::npos);
        ++count;
    }
    CHECK(count >= 3);
}

namespace {

const std::map<std::string, std::string> k_env{{"NEW_MEBX", "N3w-Passw0rd!"}};

std::vector<std::string> setup_bin_args(const TempDir& dir, std::vector<std::string> extra) {
    std::vector<std::string> args{
        amtcfg_binary(),           "create-psk", "--setup-bin",         dir.file("setup.bin"),
        "--current-mebx-password", "admin",      "--new-mebx-password", "env:NEW_MEBX"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

TEST_CASE("create-psk --setup-bin writes records that --inspect decodes for every version",
          "[cli]") {
    for (std::string version : {"1", "2", "2.1", "3", "4"}) {
        INFO("version " << version);
        TempDir dir;
        auto w = run(setup_bin_args(dir, {"--setup-version", version, "--count", "2", "--out",
                                          dir.file("keys.csv"), "--json"}),
                     k_env);
        INFO(w.err);
        REQUIRE(w.status == 0);
        auto written = w.json();
        CHECK(written["records"] == 2);
        CHECK(written["size"] == 1536);
        CHECK(mode_of(dir.file("setup.bin")) == 0600U);
        CHECK(slurp(dir.file("setup.bin")).size() == 1536);

        auto r = run({amtcfg_binary(), "--json", "create-psk", "--inspect", dir.file("setup.bin")});
        INFO(r.out);
        REQUIRE(r.status == 0);
        auto j = r.json();
        CHECK(j["valid"] == true);
        CHECK(j["header"]["version"] == version);
        CHECK(j["header"]["record_chunk_count"] == 1);
        CHECK(j["header"]["data_record_chunk_count"] == 1);
        REQUIRE(j["records"].size() == 2);
        // The PIDs in the file are the ones in the list the server gets.
        std::string list = slurp(dir.file("keys.csv"));
        for (const auto& entry : j["records"][1]["entries"]) {
            if (entry["key"] == "pid") {
                CHECK(entry["value"] == written["pids"][1]);
                CHECK(list.find(entry["value"].get<std::string>()) != std::string::npos);
            }
        }
    }
}

TEST_CASE("--inspect hides PPS and passwords unless --show-secrets is given", "[cli]") {
    TempDir dir;
    REQUIRE(
        run(setup_bin_args(dir, {"--count", "1", "--out", dir.file("keys.csv")}), k_env).status ==
        0);
    std::smatch m;
    std::string list = slurp(dir.file("keys.csv"));
    REQUIRE(std::regex_search(list, m, std::regex(R"(,([A-Z0-9-]{39}))")));
    std::string pps = m[1];
    for (bool json : {false, true}) {
        std::vector<std::string> args{amtcfg_binary(), "create-psk", "--inspect",
                                      dir.file("setup.bin")};
        if (json) {
            args.push_back("--json");
        }
        auto hidden = run(args);
        REQUIRE(hidden.status == 0);
        CHECK(hidden.out.find(pps) == std::string::npos);
        CHECK(hidden.out.find("N3w-Passw0rd!") == std::string::npos);
        CHECK(hidden.err.find("N3w-Passw0rd!") == std::string::npos);
        args.push_back("--show-secrets");
        auto shown = run(args);
        CHECK(shown.out.find(pps) != std::string::npos);
        CHECK(shown.out.find("N3w-Passw0rd!") != std::string::npos);
    }
}

TEST_CASE("settings round-trip through --setup-bin and --inspect", "[cli]") {
    TempDir dir;
    auto w = run(setup_bin_args(dir, {"--setup-version", "3", "--dns-suffix", "corp.example",
                                      "--provisioning-server", "10.0.0.5:9971", "--cert-hash",
                                      std::string(64, 'a'), "--cert-hash-name", "Corp Root",
                                      "--kvm", "on", "--user-consent", "all", "--hostname", "pc7",
                                      "--provisioning", "activate", "--no-consume"}),
                 k_env);
    INFO(w.err);
    REQUIRE(w.status == 0);
    auto r = run({amtcfg_binary(), "create-psk", "--inspect", dir.file("setup.bin")});
    INFO(r.out);
    REQUIRE(r.status == 0);
    for (const std::string& expected : std::vector<std::string>{
             "setup.bin version 3 (3.0)", "records are not consumed", "corp.example", "10.0.0.5",
             "9971", "SHA-256 " + std::string(64, 'a') + " \"Corp Root\"", "on (1)", "all (255)",
             "pc7", "activate (1)", "no problems"}) {
        CHECK(r.out.find(expected) != std::string::npos);
    }
}

TEST_CASE("create-psk --setup-bin refuses what the version or the rules do not allow", "[cli]") {
    TempDir dir;
    auto refused = [&](std::vector<std::string> extra, std::map<std::string, std::string> env,
                       const std::string& message) {
        auto r = run(setup_bin_args(dir, std::move(extra)), env);
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(message) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir.file("setup.bin")));
    };
    refused({"--setup-version", "2.1", "--kvm", "on"}, k_env,
            "--kvm needs setup.bin version 3 or later");
    refused({"--setup-version", "1", "--no-consume"}, k_env,
            "--no-consume needs setup.bin version 2 or later");
    refused({"--count", "2", "--out", dir.file("k.csv"), "--no-consume"}, k_env,
            "a PID/PPS pair must be used by one device only");
    refused({"--count", "2"}, k_env, "add --out FILE for the list");
    // Not "password": that word would be redacted from the message as the secret it is.
    refused({}, {{"NEW_MEBX", "weakpass"}},
            "the new MEBx password does not meet AMT's MEBx password rules: it has no "
            "upper-case letter");
    refused({"--setup-version", "5"}, k_env, "--setup-version must be 1, 2, 2.1, 3 or 4");
    auto no_password = run({amtcfg_binary(), "create-psk", "--setup-bin", dir.file("setup.bin")});
    CHECK(no_password.status == 2);
    CHECK(no_password.err.find("--current-mebx-password SOURCE") != std::string::npos);
}

TEST_CASE("--psk-file makes one record per imported pair", "[cli]") {
    TempDir dir;
    REQUIRE(run({amtcfg_binary(), "create-psk", "--count", "3", "--out", dir.file("keys.json"),
                 "--format", "json"})
                .status == 0);
    auto w = run(setup_bin_args(dir, {"--psk-file", dir.file("keys.json"), "--json"}), k_env);
    REQUIRE(w.status == 0);
    CHECK(w.json()["records"] == 3);
    std::ofstream(dir.file("bad.csv")) << "1234-5675,AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI\n";
    auto bad = run(setup_bin_args(dir, {"--psk-file", dir.file("bad.csv")}), k_env);
    CHECK(bad.status == 3);
    CHECK(bad.err.find("PID/PPS list line 1: the PID checksum character is 5") !=
          std::string::npos);
}

TEST_CASE("options that would be ignored are refused with exit 2", "[cli]") {
    TempDir dir;
    REQUIRE(
        run({amtcfg_binary(), "create-psk", "--count", "2", "--out", dir.file("k.csv")}).status ==
        0);
    auto with_file = [&](std::vector<std::string> extra) {
        extra.insert(extra.begin(), {"--psk-file", dir.file("k.csv")});
        return run(setup_bin_args(dir, extra), k_env);
    };
    for (const auto& option : {"--count", "--out", "--format"}) {
        INFO(option);
        std::string value = std::string(option) == "--count" ? "2"
                            : std::string(option) == "--out" ? dir.file("again.csv")
                                                             : "json";
        // CLI11 names the two options in either order: "--a excludes --b".
        auto refused = [&](const Run& r, const std::string& other) {
            CHECK(r.status == 2);
            CHECK(r.err.find(" excludes ") != std::string::npos);
            CHECK(r.err.find(option) != std::string::npos);
            CHECK(r.err.find(other) != std::string::npos);
        };
        refused(with_file({option, value}), "--psk-file");
        refused(run({amtcfg_binary(), "create-psk", "--inspect", dir.file("k.csv"), option, value}),
                "--inspect");
    }
    CHECK_FALSE(std::ifstream(dir.file("setup.bin")).good());
    CHECK_FALSE(std::ifstream(dir.file("again.csv")).good());
}

TEST_CASE("--inspect explains a bad file and exits 3", "[cli]") {
    TempDir dir;
    REQUIRE(run(setup_bin_args(dir, {"--count", "2", "--out", dir.file("k.csv")}), k_env).status ==
            0);
    std::string bytes = slurp(dir.file("setup.bin"));
    bytes[16] = 0; // the MeshCommander bug: RecordChunkCount 0
    bytes.resize(1024);
    std::ofstream(dir.file("bad.bin"), std::ios::binary) << bytes;
    auto r = run({amtcfg_binary(), "create-psk", "--inspect", dir.file("bad.bin")});
    CHECK(r.status == 3);
    CHECK(r.out.find("header: RecordChunkCount is 0: firmware ignores such files") !=
          std::string::npos);
    CHECK(r.out.find("DataRecordCount says 2 records but the file holds 1") != std::string::npos);
    auto j = run({amtcfg_binary(), "--json", "create-psk", "--inspect", dir.file("bad.bin")});
    CHECK(j.status == 3);
    CHECK(j.json()["valid"] == false);
    CHECK(j.json()["problems"].size() == 2);
    auto missing = run({amtcfg_binary(), "create-psk", "--inspect", dir.file("none.bin")});
    CHECK(missing.status == 3);
    CHECK(missing.err.find("cannot read the setup.bin") != std::string::npos);
}

TEST_CASE("create-psk refuses to overwrite a list or setup.bin unless --force is given", "[cli]") {
    TempDir dir;
    std::ofstream(dir.file("keys.csv")) << "the old list\n";
    auto list = run({amtcfg_binary(), "create-psk", "--count", "1", "--out", dir.file("keys.csv")});
    CHECK(list.status == 2);
    CHECK(list.err.find(dir.file("keys.csv") + " exists already") != std::string::npos);
    CHECK(list.err.find("--force") != std::string::npos);
    CHECK(slurp(dir.file("keys.csv")) == "the old list\n");

    // setup.bin exists: neither file is written, not even the new list.
    std::ofstream(dir.file("setup.bin")) << "the old file";
    auto setup = run(setup_bin_args(dir, {"--count", "1", "--out", dir.file("new.csv")}), k_env);
    CHECK(setup.status == 2);
    CHECK(setup.err.find("--force") != std::string::npos);
    CHECK(slurp(dir.file("setup.bin")) == "the old file");
    CHECK_FALSE(std::filesystem::exists(dir.file("new.csv")));

    auto forced = run(
        {amtcfg_binary(), "create-psk", "--count", "1", "--out", dir.file("keys.csv"), "--force"});
    CHECK(forced.status == 0);
    CHECK(slurp(dir.file("keys.csv")).starts_with("pid,pps\n"));
    CHECK(mode_of(dir.file("keys.csv")) == 0600U);
    auto forced_bin =
        run(setup_bin_args(dir, {"--count", "1", "--out", dir.file("keys.csv"), "--force"}), k_env);
    INFO(forced_bin.err);
    CHECK(forced_bin.status == 0);
    CHECK(slurp(dir.file("setup.bin")).size() == 1024);
    // Only the files named on the command lines are left: no temporary file.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 2);
}
