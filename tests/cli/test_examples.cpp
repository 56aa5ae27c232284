// The example CCM profile configures a simulated AMT as it is shipped.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

TEST_CASE("examples/ccm-basic.xml configures a fresh device and re-runs clean", "[cli]") {
    SimDevice device;
    auto escrow = device.dir().file("escrow.jsonl");
    auto profile = source_path("examples/ccm-basic.xml");
    auto first = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow});
    INFO(first.err);
    REQUIRE(first.status == 0);
    CHECK(first.json()["control_mode"] == "ccm");
    auto password = device.write("pw", escrowed(escrow, "admin-password"));
    auto second = device.amtcfg({"--json", "configure", "--profile", profile, "--escrow", escrow,
                                 "--password", "file:" + password});
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(second.json()["changed"].empty());
}
