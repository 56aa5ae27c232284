// `amtcfg version` and the generic command-line behaviour of the real binary.
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

TEST_CASE("version works without MEI and prints one JSON object with --json", "[cli]") {
    auto r = run({amtcfg_binary(), "version", "--json"});
    CHECK(r.status == 0);
    auto j = r.json();
    CHECK(j["name"] == "amtcfg");
    CHECK(j["version"].get<std::string>().find('.') != std::string::npos);
}

TEST_CASE("an unknown command or option is exit 2", "[cli]") {
    CHECK(run({amtcfg_binary(), "frobnicate"}).status == 2);
    CHECK(run({amtcfg_binary(), "version", "--no-such-option"}).status == 2);
    CHECK(run({amtcfg_binary(), "version", "--timeout", "soon"}).status == 2);
}
