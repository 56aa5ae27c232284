// `amtcfg create-psk` end to end: PID/PPS lists, setup.bin files and their inspection.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>

using namespace amtcfg::test;

namespace {

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

unsigned mode_of(const std::string &path) {
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
