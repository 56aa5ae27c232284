// The example CCM profiles configure a simulated AMT as they are shipped.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace amtcfg::test;

TEST_CASE("the CCM examples configure a fresh device and re-run clean", "[cli]") {
    auto name = GENERATE(as<std::string>{}, "ccm-basic", "ccm-full");
    INFO(name);
    SimDevice device;
    auto escrow = device.dir().file("escrow.jsonl");
    auto profile = source_path("examples/" + name + ".xml");
    auto first = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow});
    INFO(first.err);
    REQUIRE(first.status == 0);
    CHECK(first.json()["control_mode"] == "ccm");
    if (name == "ccm-full") {
        auto changed = first.json()["changed"].get<std::vector<std::string>>();
        CHECK(std::count(changed.begin(), changed.end(), "power-policy") == 1);
        CHECK(std::count(changed.begin(), changed.end(), "users") == 1);
        CHECK_FALSE(escrowed(escrow, "user:helpdesk").empty());
    }
    auto password = device.write("pw", escrowed(escrow, "admin-password"));
    auto second = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow,
                                 "--password", "file:" + password});
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(second.json()["changed"].empty());
}
