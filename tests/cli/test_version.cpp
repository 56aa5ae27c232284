// `amtcfg version` and the generic command-line behaviour of the real binary.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

using namespace amtcfg::test;

TEST_CASE("version works without MEI and prints one JSON object with --json", "[cli]") {
    auto r = run({amtcfg_binary(), "version", "--json"});
    CHECK(r.status == 0);
    auto j = r.json();
    CHECK(j["name"] == "amtcfg");
    CHECK(j["version"].get<std::string>().find('.') != std::string::npos);
}

TEST_CASE("version names the commit it was built from, in text and JSON", "[cli]") {
    auto j = run({amtcfg_binary(), "--json", "version"}).json();
    auto text = run({amtcfg_binary(), "version"});
    REQUIRE(text.status == 0);
    std::string version = j["version"];
    // The version has one source: project(VERSION) in CMakeLists.txt.
    std::string lists = file_content(source_path("CMakeLists.txt"));
    CHECK(lists.find("project(amtcfg VERSION " + version + " ") != std::string::npos);
    if (!std::filesystem::exists(source_path(".git"))) {
        CHECK(j["commit"].is_null());
        CHECK(text.out == "amtcfg " + version + "\n");
        return;
    }
    // A checkout: `git describe --always --dirty`, whose commit is one of this repository's.
    REQUIRE(j["commit"].is_string());
    std::string commit = j["commit"];
    CHECK(text.out == "amtcfg " + version + " (commit " + commit + ")\n");
    std::smatch m;
    REQUIRE(std::regex_search(commit, m, std::regex("(?:^|-g)([0-9a-f]{7,40})(-dirty)?$")));
    auto git = run({"git", "-C", source_path(""), "cat-file", "-e", m[1].str() + "^{commit}"});
    CHECK(git.status == 0);
}

TEST_CASE("an unknown command or option is exit 2", "[cli]") {
    CHECK(run({amtcfg_binary(), "frobnicate"}).status == 2);
    CHECK(run({amtcfg_binary(), "version", "--no-such-option"}).status == 2);
    CHECK(run({amtcfg_binary(), "version", "--timeout", "soon"}).status == 2);
}
