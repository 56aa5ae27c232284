// MKHI GET_FW_VERSION and the watchdog client's IsChangeToAMTEnabled/SetAmtOperationalState.
#include "me_clients.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::sim;

TEST_CASE("MKHI GET_FW_VERSION: 28 bytes, three {minor, major, build, hotfix} blocks",
          "[sim][unit]") {
    DeviceState device = default_device();
    device.amt_version = "12.0.90";
    device.build = "2072";
    Bytes reply = mkhi_respond(device, Bytes{0xFF, 0x02, 0x00, 0x00});
    REQUIRE(reply.size() == 28);
    CHECK(to_hex(reply) == "ff820000"
                           "00000c0018085a00"
                           "00000c0018085a00"
                           "00000c0018085a00");
}

TEST_CASE("MKHI refuses a wrong length and an unknown command with a result code", "[sim][unit]") {
    DeviceState device = default_device();
    CHECK(to_hex(mkhi_respond(device, Bytes{0xFF, 0x02, 0x00, 0x00, 0x00})) == "ff820004");
    CHECK(to_hex(mkhi_respond(device, Bytes{0xFF, 0x01, 0x00, 0x00})) == "ff810001");
}

TEST_CASE("IsChangeToAMTEnabled reports bits 0, 1, 5, 6, 7", "[sim][unit]") {
    DeviceModel model(default_device());
    CHECK(watchdog_respond(model, Bytes{0x05, 0x02, 0x51, 0x10}) == Bytes{0x83});
    model.modify([](DeviceState& d) {
        d.tls_enforced = true;
        d.watchdog.amt_enabled = false;
        d.watchdog.cira_periodic_fix = true;
    });
    CHECK(watchdog_respond(model, Bytes{0x05, 0x02, 0x51, 0x10}) == Bytes{0xE1});
}

TEST_CASE("the watchdog client stays silent like AMT 11 when no_reply is set", "[sim][unit]") {
    DeviceModel model(default_device());
    model.modify([](DeviceState& d) { d.watchdog.no_reply = true; });
    CHECK_FALSE(watchdog_respond(model, Bytes{0x05, 0x02, 0x51, 0x10}).has_value());
}

TEST_CASE("SetAmtOperationalState enables AMT while unprovisioned only", "[sim][unit]") {
    DeviceModel model(default_device());
    model.modify([](DeviceState& d) { d.watchdog.amt_enabled = false; });
    auto reply = watchdog_respond(model, Bytes{0x05, 0x03, 0x53, 0x10, 0x01});
    CHECK(reply == Bytes{0x05, 0x03, 0x53, 0x10, 0, 0, 0, 0});
    CHECK(model.snapshot().watchdog.amt_enabled);
    model.modify([](DeviceState& d) { d.provisioning_state = 2; });
    reply = watchdog_respond(model, Bytes{0x05, 0x03, 0x53, 0x10, 0x00});
    CHECK(reply == Bytes{0x05, 0x03, 0x53, 0x10, 0x20, 0, 0, 0});
    CHECK(model.snapshot().watchdog.amt_enabled);
}
