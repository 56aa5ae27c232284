// Fault spec parsing (--fault): names, arguments, AMTHI command names, errors.
#include "faults.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;

TEST_CASE("every contract fault parses", "[sim][unit]") {
    auto list = FaultList::parse("mei-busy:3\nmei-reset-after:5\nno-lme\namthi-short:GetUUID\n"
                                 "amthi-garble:getcodeversions\namthi-status:GetControlMode=0x24\n"
                                 "wsman-http500:AMT_GeneralSettings.Get\nwsman-fault:Setup\n"
                                 "wsman-return:Setup=2066\nwsman-drop:Get\ndigest-stale\n"
                                 "wsman-delay:Setup=5000\n");
    CHECK(list.all().size() == 12);
    CHECK(list.value(FaultKind::wsman_delay, "Setup") == 5000UL);
    CHECK(list.value(FaultKind::mei_busy) == 3UL);
    CHECK(list.value(FaultKind::mei_reset_after) == 5UL);
    CHECK(list.has(FaultKind::no_lme));
    CHECK(list.has(FaultKind::amthi_short, "GetUUID"));
    CHECK_FALSE(list.has(FaultKind::amthi_short, "GetControlMode"));
    // stored in the reference spelling whatever the case on the command line
    CHECK(list.has(FaultKind::amthi_garble, "GetCodeVersions"));
    CHECK(list.value(FaultKind::amthi_status, "GetControlMode") == 0x24UL);
    CHECK(list.value(FaultKind::wsman_return, "Setup") == 2066UL);
    CHECK(list.has(FaultKind::wsman_http500, "AMT_GeneralSettings.Get"));
    CHECK(list.has(FaultKind::digest_stale));
}

TEST_CASE("a bad fault spec is refused with a message naming it", "[sim][unit]") {
    CHECK_THROWS_WITH(parse_fault("mei-bussy:1"), Catch::Contains("unknown fault name"));
    CHECK_THROWS_WITH(parse_fault("mei-busy"), Catch::Contains("needs a count"));
    CHECK_THROWS_WITH(parse_fault("mei-busy:x"), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(parse_fault("no-lme:1"), Catch::Contains("takes no argument"));
    CHECK_THROWS_WITH(parse_fault("amthi-short:GetNothing"), Catch::Contains("unknown AMTHI"));
    CHECK_THROWS_WITH(parse_fault("amthi-status:GetUUID"), Catch::Contains("TARGET=CODE"));
    CHECK_THROWS_WITH(parse_fault("wsman-fault:"), Catch::Contains("names no"));
    CHECK(parse_fault("amthi-status:GetUUID=010").value == 10);
}

TEST_CASE("SPEC*N fires N times, then the device works", "[sim][unit]") {
    auto list = FaultList::parse("amthi-status:GetUUID=0x24*2\napf-stall*1\nwsman-drop:Get\n");
    CHECK(list.all()[0].times == 2);
    CHECK(list.all()[1].kind == FaultKind::apf_stall);
    CHECK(list.all()[2].times == 0);
    CHECK(list.fire(FaultKind::amthi_status, "GetUUID") == 0x24UL);
    auto copy = list; // the faces of one simulator share the counters
    CHECK(copy.fire(FaultKind::amthi_status, "GetUUID") == 0x24UL);
    CHECK_FALSE(list.fire(FaultKind::amthi_status, "GetUUID"));
    CHECK(list.fire(FaultKind::apf_stall));
    CHECK_FALSE(list.fire(FaultKind::apf_stall));
    for (int i = 0; i < 5; ++i) {
        CHECK(list.fire(FaultKind::wsman_drop, "Get"));
    }
}

TEST_CASE("a bad count is refused, and so is a count on a fault about the whole device",
          "[sim][unit]") {
    CHECK_THROWS_WITH(parse_fault("wsman-http500:Get*0"), Catch::Contains("N >= 1"));
    CHECK_THROWS_WITH(parse_fault("wsman-http500:Get*"), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(parse_fault("wsman-http500:Get*once"), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(parse_fault("no-lme*1"), Catch::Contains("cannot be counted"));
    CHECK_THROWS_WITH(parse_fault("mei-busy:2*1"), Catch::Contains("cannot be counted"));
    CHECK_THROWS_WITH(parse_fault("apf-stall:1"), Catch::Contains("takes no argument"));
    CHECK_THROWS_WITH(parse_fault("apf-stal"), Catch::Contains("unknown fault name"));
}
