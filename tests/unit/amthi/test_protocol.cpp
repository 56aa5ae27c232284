// AMTHI framing: the request header and every check a reply must pass before a field is read.
#include "amtcfg/amthi/protocol.hpp"

#include "fakes/amthi_replies.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::amthi;
using amtcfg::test::amthi_reply;
using amtcfg::test::u32_payload;

TEST_CASE("a request is the 12-byte header with the payload length", "[unit]") {
    CHECK(to_hex(encode_request(Command::get_control_mode)) == "010100006b00000400000000");
    CHECK(to_hex(encode_request(Command::get_cert_hash_entry, u32_payload(7))) ==
          "010100002d0000040400000007000000");
}

TEST_CASE("a well-formed reply yields its status and payload", "[unit]") {
    Bytes message = amthi_reply(Command::get_control_mode, u32_payload(2));
    Reply reply = decode_reply(message, Command::get_control_mode);
    CHECK(reply.status == 0);
    CHECK(to_hex(reply.payload) == "02000000");
}

TEST_CASE("replies that fail a framing check are rejected", "[unit]") {
    Bytes good = amthi_reply(Command::get_control_mode, u32_payload(1));
    auto rejects = [](Bytes message) {
        CHECK_THROWS_AS(decode_reply(message, Command::get_control_mode), DecodeError);
    };
    SECTION("truncated below the header") {
        rejects(Bytes(good.begin(), good.begin() + 15));
    }
    SECTION("truncated payload") {
        rejects(Bytes(good.begin(), good.end() - 1));
    }
    SECTION("oversized: more bytes than Length") {
        Bytes longer = good;
        longer.push_back(0);
        rejects(longer);
    }
    SECTION("wrong command") {
        rejects(amthi_reply(Command::get_provisioning_state, u32_payload(1)));
    }
    SECTION("request code echoed without the response bit") {
        Bytes bad = good;
        bad[6] = 0x00;
        rejects(bad);
    }
    SECTION("bad major version") {
        Bytes bad = good;
        bad[0] = 2;
        rejects(bad);
    }
    SECTION("bad minor version") {
        Bytes bad = good;
        bad[1] = 0;
        rejects(bad);
    }
}

TEST_CASE("a non-zero status is a StatusError naming command and status", "[unit]") {
    Bytes message = amthi_reply(Command::get_uuid, {}, k_status_not_ready);
    CHECK(decode_reply(message, Command::get_uuid).status == k_status_not_ready);
    try {
        success_payload(message, Command::get_uuid);
        FAIL("accepted a failed reply");
    } catch (const StatusError& e) {
        CHECK(e.status() == 2);
        CHECK(e.category() == ErrorCategory::amt_unavailable);
        CHECK(std::string(e.what()).find("GetUUID with status 0x2 NOT_READY") != std::string::npos);
    }
}

TEST_CASE("status and command names come from the reference tables", "[unit]") {
    CHECK(status_name(0x31) == "CERTIFICATE_NOT_READY");
    CHECK(status_name(0x81C) == "BLOCKING_COMPONENT");
    CHECK(status_name(0x9999).empty());
    CHECK(describe_status(0x9999) == "0x9999");
    CHECK(command_name(Command::get_lan_interface_settings) == "GetLANInterfaceSettings");
}
