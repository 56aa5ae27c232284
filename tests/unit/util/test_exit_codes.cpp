// The exit-status table is complete, unique, and documented in the man page.
#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace amtcfg;

TEST_CASE("exit codes and category names are unique", "[unit]") {
    std::set<int> codes;
    std::set<std::string_view> names;
    for (const auto& e : exit_code_table()) {
        CHECK(codes.insert(e.code).second);
        CHECK(names.insert(e.name).second);
        CHECK(exit_code(e.category) == e.code);
        CHECK(category_name(e.category) == e.name);
        CHECK(e.code > 0);
        CHECK(e.code < 126); // above that the shell reserves codes
    }
    CHECK(codes.size() == 20);
}

TEST_CASE("the man page lists every exit code", "[unit]") {
    std::ifstream in(AMTCFG_SOURCE_DIR "/man/amtcfg.1");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& e : exit_code_table()) {
        INFO("exit code " << e.code);
        CHECK(text.str().find("\n.IP " + std::to_string(e.code) + "\n") != std::string::npos);
    }
}

TEST_CASE("with_context keeps the category", "[unit]") {
    Error e(ErrorCategory::device_busy, "device busy");
    Error c = e.with_context("cannot connect to the AMTHI client");
    CHECK(c.category() == ErrorCategory::device_busy);
    CHECK(std::string(c.what()) == "cannot connect to the AMTHI client: device busy");
}
