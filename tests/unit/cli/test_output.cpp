// The error object output.cpp prints is published in docs/schema/error.schema.json: its enums and
// its code/category pairs are the exit-status table, no more and no less.
#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace amtcfg;

namespace {

nlohmann::json error_schema() {
    std::ifstream in(AMTCFG_SOURCE_DIR "/docs/schema/error.schema.json");
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

} // namespace

TEST_CASE("the error object's schema lists every exit status of the table", "[unit]") {
    const auto error = error_schema()["properties"]["error"];
    std::set<int> codes;
    std::set<std::string> names;
    std::map<int, std::pair<std::string, std::string>> table;
    for (const auto& e : exit_code_table()) {
        codes.insert(e.code);
        names.insert(std::string(e.name));
        table[e.code] = {std::string(e.name), std::string(e.meaning)};
    }
    CHECK(error["properties"]["exit_code"]["enum"].get<std::set<int>>() == codes);
    CHECK(error["properties"]["category"]["enum"].get<std::set<std::string>>() == names);

    // Each oneOf branch ties one code to its category, described as the table describes it.
    std::map<int, std::pair<std::string, std::string>> pairs;
    for (const auto& branch : error["oneOf"]) {
        pairs[branch["properties"]["exit_code"]["const"].get<int>()] = {
            branch["properties"]["category"]["const"].get<std::string>(),
            branch["description"].get<std::string>()};
    }
    CHECK(pairs == table);
}
