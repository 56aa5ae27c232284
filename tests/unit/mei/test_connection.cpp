// Connection: one connect per client, one message each way, one reconnect after a reset.
#include "amtcfg/mei/connection.hpp"

#include "fakes/fake_mei.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::mei;
using amtcfg::test::FakeDevice;

TEST_CASE("a connection connects once, lazily, for many messages", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Connection connection(device, k_amthi, deadline);
    CHECK(device.connects["AMTHI"] == 0);
    device.reply("AMTHI", {1});
    device.reply("AMTHI", {2});
    CHECK(connection.transact(Bytes{0xa}, 5000, Retry::after_reset) == Bytes{1});
    CHECK(connection.transact(Bytes{0xb}, 5000, Retry::after_reset) == Bytes{2});
    CHECK(device.connects["AMTHI"] == 1);
    REQUIRE(device.sent.size() == 2);
    CHECK(device.sent[1].message == Bytes{0xb});
    CHECK(device.timeouts_ms == std::vector<int>{5000, 5000});
}

TEST_CASE("after a firmware reset an idempotent request is resent once", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Connection connection(device, k_amthi, deadline);
    device.disconnect_next("AMTHI");
    device.reply("AMTHI", {7});
    CHECK(connection.transact(Bytes{0xa}, 5000, Retry::after_reset) == Bytes{7});
    CHECK(device.connects["AMTHI"] == 2);
    CHECK(device.messages_to("AMTHI") == 2);

    SECTION("a second reset is not survived") {
        device.disconnect_next("AMTHI");
        CHECK_THROWS_AS(connection.transact(Bytes{0xa}, 5000, Retry::after_reset), Disconnected);
        CHECK(device.connects["AMTHI"] == 2);
    }
}

TEST_CASE("a state-changing request is never resent after a reset", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Connection connection(device, k_amthi, deadline);
    device.disconnect_next("AMTHI");
    device.reply("AMTHI", {7});
    CHECK_THROWS_AS(connection.transact(Bytes{0xa}, 5000, Retry::never), Disconnected);
    CHECK(device.messages_to("AMTHI") == 1);
}

TEST_CASE("a failed connect surfaces its error category", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Connection connection(device, k_lme, deadline);
    device.fail_connect("LME", ErrorCategory::device_busy);
    try {
        connection.connect();
        FAIL("connected");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::device_busy);
    }
}
