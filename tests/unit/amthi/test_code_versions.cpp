// GetCodeVersions entries, SKU feature names, MKHI firmware version and watchdog flags.
#include "amtcfg/amthi/codec.hpp"
#include "amtcfg/amthi/mkhi.hpp"

#include "fakes/amthi_replies.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::amthi;
using namespace amtcfg::test;

TEST_CASE("GetCodeVersions yields the named entries", "[unit]") {
    auto versions = decode_code_versions(
        amthi_reply(Command::get_code_versions, code_versions_payload("16.1.25", "2051", "16392")));
    CHECK(versions.bios_version == "BIOS-1.2.3");
    CHECK(versions.find("AMT") == "16.1.25");
    CHECK(versions.find("Build Number") == "2051");
    CHECK(versions.find("Sku") == "16392");
    CHECK_FALSE(versions.find("Recovery Version").has_value());
}

TEST_CASE("GetCodeVersions rejects counts and lengths that disagree", "[unit]") {
    Bytes payload = code_versions_payload("16.1.25", "2051", "16392");
    SECTION("count larger than the entries") {
        payload[65] = 5;
        CHECK_THROWS_AS(decode_code_versions(amthi_reply(Command::get_code_versions, payload)),
                        DecodeError);
    }
    SECTION("a string length over 20") {
        payload[69] = 21;
        CHECK_THROWS_AS(decode_code_versions(amthi_reply(Command::get_code_versions, payload)),
                        DecodeError);
    }
    SECTION("truncated in the middle of an entry") {
        payload.resize(payload.size() - 10);
        CHECK_THROWS_AS(decode_code_versions(amthi_reply(Command::get_code_versions, payload)),
                        DecodeError);
    }
    SECTION("more than 50 entries announced") {
        payload[65] = 51;
        CHECK_THROWS_AS(decode_code_versions(amthi_reply(Command::get_code_versions, payload)),
                        DecodeError);
    }
}

TEST_CASE("the SKU decodes into feature names", "[unit]") {
    CHECK(decode_sku_features(16392, 16) == std::vector<std::string>{"AMT Pro", "Corporate"});
    CHECK(decode_sku_features(0x10, 12) ==
          std::vector<std::string>{"Intel Standard Manageability"});
    CHECK(decode_sku_features(0x0a, 6) == std::vector<std::string>{"iQST", "AMT Pro"});
    CHECK(decode_sku_features(0x0a, 11) == std::vector<std::string>{"AMT Pro"});
    CHECK(decode_sku_features(0, 16).empty());
}

TEST_CASE("MKHI GetFwVersion: header checks and 16- or 24-byte bodies", "[unit]") {
    CHECK(to_hex(encode_mkhi_get_fw_version()) == "ff020000");
    auto fw = decode_mkhi_fw_version(mkhi_fw_version_reply(16, 1, 25, 2051));
    CHECK(fw.version() == "16.1.25");
    CHECK(fw.code.build == 2051);
    CHECK(fw.fitc.has_value());

    Bytes two_blocks = mkhi_fw_version_reply(16, 1, 25, 2051);
    two_blocks.resize(20);
    CHECK_FALSE(decode_mkhi_fw_version(two_blocks).fitc.has_value());

    Bytes truncated = mkhi_fw_version_reply(16, 1, 25, 2051);
    truncated.resize(27);
    CHECK_THROWS_AS(decode_mkhi_fw_version(truncated), DecodeError);
    Bytes not_response = mkhi_fw_version_reply(16, 1, 25, 2051);
    not_response[1] = 0x02;
    CHECK_THROWS_AS(decode_mkhi_fw_version(not_response), DecodeError);
    Bytes failed = mkhi_fw_version_reply(16, 1, 25, 2051);
    failed[3] = 2;
    CHECK_THROWS_AS(decode_mkhi_fw_version(failed), Error);
}

TEST_CASE("IsChangeToAMTEnabled: one byte of flags", "[unit]") {
    CHECK(to_hex(encode_is_change_to_amt_enabled()) == "05025110");
    auto flags = decode_is_change_to_amt_enabled(Bytes{0xC3});
    CHECK(flags.tls_enforced());
    CHECK(flags.amt_enabled() == true);
    CHECK(flags.transition_allowed());
    auto old = decode_is_change_to_amt_enabled(Bytes{0x02});
    CHECK_FALSE(old.amt_enabled().has_value());
    CHECK_FALSE(old.tls_enforced());
    CHECK_THROWS_AS(decode_is_change_to_amt_enabled(Bytes{}), DecodeError);
    CHECK_THROWS_AS(decode_is_change_to_amt_enabled(Bytes{1, 2}), DecodeError);
}

TEST_CASE("SetAmtOperationalState: request bytes, the echoed header and the status", "[unit]") {
    CHECK(to_hex(encode_set_amt_operational_state(OperationalState::enabled)) == "0503531001");
    CHECK(to_hex(encode_set_amt_operational_state(OperationalState::disabled)) == "0503531000");
    CHECK(decode_set_amt_operational_state(from_hex("0503531010000000")) == 0x10);
    CHECK(decode_set_amt_operational_state(from_hex("0503531000000000")) == 0);
    CHECK_THROWS_AS(decode_set_amt_operational_state(from_hex("05035310000000")), DecodeError);
    CHECK_THROWS_AS(decode_set_amt_operational_state(from_hex("0502511000000000")), DecodeError);
    CHECK_THROWS_AS(decode_set_amt_operational_state(Bytes{}), DecodeError);
}
