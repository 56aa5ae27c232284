// The AMTHI, MKHI and watchdog clients over a recording fake ME.
#include "amtcfg/amthi/client.hpp"

#include "fakes/amthi_replies.hpp"
#include "fakes/fake_mei.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::amthi;
using namespace amtcfg::test;

TEST_CASE("each call sends one message on one connection", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    device.reply("AMTHI", amthi_reply(Command::get_control_mode, u32_payload(1)));
    device.reply("AMTHI", amthi_reply(Command::get_provisioning_state, u32_payload(2)));
    CHECK(client.get_control_mode() == ControlMode::ccm);
    CHECK(client.get_provisioning_state() == ProvisioningState::post);
    CHECK(device.connects["AMTHI"] == 1);
    REQUIRE(device.sent.size() == 2);
    CHECK(device.sent[0].message == encode_request(Command::get_control_mode));
    CHECK(device.sent[1].message == encode_request(Command::get_provisioning_state));
}

TEST_CASE("a garbled reply is exit 13 naming the command", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    device.reply("AMTHI", Bytes{1, 2, 3});
    try {
        client.get_uuid();
        FAIL("accepted garbage");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::amt_unavailable);
        CHECK(std::string(e.what()).find("malformed reply from AMT to GetUUID") !=
              std::string::npos);
    }
}

TEST_CASE("a missing wireless interface is not an error", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    device.reply("AMTHI", amthi_reply(Command::get_lan_interface_settings, {}, 0x805));
    CHECK_FALSE(client.get_lan_interface_settings(LanInterfaceIndex::wireless).has_value());
    CHECK(device.sent[0].message == encode_get_lan_interface_settings(LanInterfaceIndex::wireless));
}

TEST_CASE("a firmware reset: reads are resent once, Unprovision is not", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    device.disconnect_next("AMTHI");
    device.reply("AMTHI", amthi_reply(Command::get_control_mode, u32_payload(2)));
    CHECK(client.get_control_mode() == ControlMode::acm);
    CHECK(device.connects["AMTHI"] == 2);

    FakeDevice device2;
    Client client2(device2, deadline);
    device2.disconnect_next("AMTHI");
    CHECK_THROWS_AS(client2.unprovision(UnprovisionMode::none), mei::Disconnected);
    CHECK(device2.messages_to("AMTHI") == 1);
}

TEST_CASE("Unprovision reports AMT's refusal as a status", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    device.reply("AMTHI", amthi_reply(Command::unprovision, {}, k_status_invalid_pt_mode));
    CHECK(client.unprovision(UnprovisionMode::none) == k_status_invalid_pt_mode);
}

TEST_CASE("GetLocalSystemAccount sends 40 zero bytes and returns a Secret", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    Client client(device, deadline);
    ByteWriter w;
    w.string("$$OsAdmin").zeros(24).string("pw").zeros(31).zeros(2);
    device.reply("AMTHI", amthi_reply(Command::get_local_system_account, w.data()));
    auto account = client.get_local_system_account();
    CHECK(account.password.reveal() == "pw");
    CHECK(device.sent[0].message.size() == 52);
}

TEST_CASE("the watchdog's silence on old firmware is tolerated", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    WatchdogClient watchdog(device, deadline, 1000);
    device.time_out_next("WD");
    CHECK_FALSE(watchdog.is_change_to_amt_enabled().has_value());
    CHECK(device.timeouts_ms == std::vector<int>{1000});
    device.reply("WD", Bytes{0x40});
    CHECK(watchdog.is_change_to_amt_enabled()->tls_enforced());
    CHECK(device.connects["WD"] == 1);
}

TEST_CASE("MKHI firmware version over its own client", "[unit]") {
    FakeDevice device;
    Deadline deadline;
    MkhiClient mkhi(device, deadline);
    device.reply("MKHI", mkhi_fw_version_reply(11, 8, 50, 3425));
    CHECK(mkhi.get_firmware_version().version() == "11.8.50");
    CHECK(device.sent[0].message == encode_mkhi_get_fw_version());
}
