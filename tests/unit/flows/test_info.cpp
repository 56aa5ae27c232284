// The info flow over a recording fake ME: the facts it returns and the messages it costs.
#include "amtcfg/flows/info.hpp"

#include "fakes/amthi_replies.hpp"
#include "fakes/fake_mei.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::amthi;
using namespace amtcfg::test;

namespace {

// A device as AMT 16 would answer `info`: two root hashes, a wired LAN, no WLAN.
// `versions_status` other than 0 makes GetCodeVersions fail with that AMT status.
void script_amt(FakeDevice& device, std::string_view version, std::uint32_t control_mode,
                std::uint32_t versions_status = 0) {
    device.reply("AMTHI", versions_status == 0
                              ? amthi_reply(Command::get_code_versions,
                                            code_versions_payload(version, "2051", "16392"))
                              : amthi_reply(Command::get_code_versions, {}, versions_status));
    device.reply("AMTHI",
                 amthi_reply(Command::get_uuid, from_hex("33221100554477668899aabbccddeeff")));
    device.reply("AMTHI", amthi_reply(Command::get_provisioning_state, u32_payload(2)));
    device.reply("AMTHI", amthi_reply(Command::get_control_mode, u32_payload(control_mode)));
    device.reply("AMTHI", amthi_reply(Command::get_dns_suffix,
                                      ByteWriter().u16le(7).string("corp.io").data()));
    device.reply("AMTHI", amthi_reply(Command::enumerate_hash_handles,
                                      ByteWriter().u32le(2).u32le(3).u32le(9).data()));
    device.reply("AMTHI", amthi_reply(Command::get_cert_hash_entry,
                                      cert_hash_payload("Root A", 2, Bytes(32, 1), true, true)));
    device.reply("AMTHI", amthi_reply(Command::get_cert_hash_entry,
                                      cert_hash_payload("Root B", 3, Bytes(48, 2), false, true)));
    device.reply("AMTHI", amthi_reply(Command::get_lan_interface_settings,
                                      lan_payload(0x0A000005, true, true)));
    device.reply("AMTHI", amthi_reply(Command::get_lan_interface_settings, {}, 0x23));
}

struct ProbeLog {
    std::vector<std::pair<std::string, int>> calls;
    bool answer = false;
    flows::LmsProbe probe() {
        return [this](const http::LoopbackAddress& address, std::uint16_t port) {
            calls.emplace_back(address.text, port);
            http::LmsCheck check;
            check.verdict = answer ? http::LmsVerdict::trusted : http::LmsVerdict::not_listening;
            return check;
        };
    }
};

} // namespace

TEST_CASE("info reads every fact with one message each and one connect per client", "[unit]") {
    FakeDevice device;
    script_amt(device, "16.1.25", 1);
    device.reply("WD", Bytes{0x82});
    ProbeLog lms;
    Deadline deadline;
    auto r = flows::read_info(device, lms.probe(), {}, deadline);

    CHECK(r.version == "16.1.25");
    CHECK(r.build == "2051");
    CHECK(r.sku == "16392");
    CHECK(r.features == std::vector<std::string>{"AMT Pro", "Corporate"});
    CHECK(r.uuid == "00112233-4455-6677-8899-aabbccddeeff");
    CHECK(r.control_mode == ControlMode::ccm);
    CHECK(r.provisioning_state == ProvisioningState::post);
    CHECK(r.dns_suffix == "corp.io");
    REQUIRE(r.cert_hashes.size() == 2);
    CHECK(hash_algorithm_name(r.cert_hashes[1].algorithm) == "sha384");
    REQUIRE(r.lan.size() == 1);
    CHECK(format_ipv4(r.lan[0].settings.ipv4) == "10.0.0.5");
    CHECK_FALSE(r.tls_enforced);
    CHECK(r.amt_enabled == true);
    CHECK(r.lme);
    CHECK_FALSE(r.lms);
    CHECK(r.warnings.empty());

    CHECK(device.messages_to("AMTHI") == 10); // 8 facts + one entry per hash handle
    CHECK(device.messages_to("WD") == 1);
    CHECK(device.messages_to("LME") == 0);
    CHECK(device.connects == std::map<std::string, int>{{"AMTHI", 1}, {"WD", 1}, {"LME", 1}});
    CHECK(device.single_attempts == std::map<std::string, int>{{"LME", 1}}); // no busy backoff
    CHECK(device.sent[6].message == encode_get_cert_hash_entry(3));
    CHECK(device.sent[7].message == encode_get_cert_hash_entry(9));
    CHECK(lms.calls == std::vector<std::pair<std::string, int>>{{"127.0.0.1", 16992}});
}

TEST_CASE("TLS enforcement moves the LMS probe to 16993 unless a port is given", "[unit]") {
    FakeDevice device;
    script_amt(device, "19.0.5", 2);
    device.reply("WD", Bytes{0xC2});
    ProbeLog lms;
    lms.answer = true;
    Deadline deadline;
    auto r = flows::read_info(device, lms.probe(), {}, deadline);
    CHECK(r.tls_enforced);
    CHECK(r.lms);
    CHECK(lms.calls.back().second == 16993);

    FakeDevice device2;
    script_amt(device2, "19.0.5", 2);
    device2.reply("WD", Bytes{0xC2});
    auto r2 = flows::read_info(
        device2, lms.probe(),
        {.lms_address = *http::parse_loopback_address("::1"), .lms_port = 4242}, deadline);
    CHECK(lms.calls.back() == std::pair<std::string, int>{"::1", 4242});
    CHECK(r2.lms_address == "[::1]");
}

TEST_CASE("AMT 11 is not asked the watchdog question it cannot answer", "[unit]") {
    FakeDevice device;
    script_amt(device, "11.8.50", 0);
    ProbeLog lms;
    Deadline deadline;
    auto r = flows::read_info(device, lms.probe(), {}, deadline);
    CHECK(device.connects.count("WD") == 0);
    CHECK_FALSE(r.tls_enforced);
    CHECK(r.warnings.empty());
}

TEST_CASE("a silent watchdog or a missing LME client is reported, not fatal", "[unit]") {
    FakeDevice device;
    script_amt(device, "16.1.25", 0);
    device.time_out_next("WD");
    device.fail_connect("LME", ErrorCategory::amt_unavailable);
    ProbeLog lms;
    Deadline deadline;
    auto r = flows::read_info(device, lms.probe(), {}, deadline);
    CHECK_FALSE(r.lme);
    CHECK_FALSE(r.tls_enforced);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("IsChangeToAMTEnabled") != std::string::npos);
}

TEST_CASE("a failed AMTHI fact fails info with exit 13", "[unit]") {
    FakeDevice device;
    device.reply("AMTHI", amthi_reply(Command::get_code_versions,
                                      code_versions_payload("16.1.25", "2051", "16392")));
    device.reply("AMTHI", amthi_reply(Command::get_uuid, {}, k_status_not_ready));
    ProbeLog lms;
    Deadline deadline;
    try {
        flows::read_info(device, lms.probe(), {}, deadline);
        FAIL("info succeeded");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::amt_unavailable);
        CHECK(std::string(e.what()).find("GetUUID") != std::string::npos);
    }
    CHECK(lms.calls.empty());
}

TEST_CASE("a failed GetCodeVersions is answered from MKHI once AMTHI is released", "[unit]") {
    FakeDevice device;
    script_amt(device, "16.1.25", 1, k_status_not_ready);
    device.reply("MKHI", mkhi_fw_version_reply(16, 1, 25, 2051));
    device.reply("WD", Bytes{0x82});
    ProbeLog lms;
    Deadline deadline;
    auto r = flows::read_info(device, lms.probe(), {}, deadline);
    CHECK(r.version == "16.1.25");
    CHECK(r.build == "2051");
    CHECK(r.sku.empty());
    CHECK(r.features.empty());
    CHECK(r.uuid == "00112233-4455-6677-8899-aabbccddeeff");
    CHECK(device.messages_to("MKHI") == 1);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("GetCodeVersions") != std::string::npos);
    CHECK(r.warnings[0].find("MKHI") != std::string::npos);
}

TEST_CASE("major_version takes the leading number", "[unit]") {
    CHECK(flows::major_version("16.1.25") == 16);
    CHECK(flows::major_version("9") == 9);
    CHECK(flows::major_version("") == 0);
    CHECK(flows::major_version("x.1") == 0);
}
