// AMTHI reply decoders: good replies, and truncated, oversized and failed ones.
#include "amtcfg/amthi/codec.hpp"

#include "fakes/amthi_replies.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::amthi;
using namespace amtcfg::test;

namespace {

Bytes without_last_byte(Bytes message) {
    message.pop_back();
    message[8] = static_cast<std::uint8_t>(message[8] - 1); // keep Length consistent
    return message;
}

Bytes with_extra_byte(Bytes message) {
    message.push_back(0);
    message[8] = static_cast<std::uint8_t>(message[8] + 1);
    return message;
}

} // namespace

TEST_CASE("GetUUID is 16 bytes shown in SMBIOS order", "[unit]") {
    Bytes payload = from_hex("33221100554477668899aabbccddeeff");
    Bytes message = amthi_reply(Command::get_uuid, payload);
    CHECK(format_uuid(decode_uuid(message)) == "00112233-4455-6677-8899-aabbccddeeff");
    CHECK_THROWS_AS(decode_uuid(without_last_byte(message)), DecodeError);
    CHECK_THROWS_AS(decode_uuid(with_extra_byte(message)), DecodeError);
    CHECK_THROWS_AS(decode_uuid(amthi_reply(Command::get_uuid, {}, 1)), StatusError);
}

TEST_CASE("provisioning state and control mode are one u32 each", "[unit]") {
    auto state = [](std::uint32_t v) {
        return decode_provisioning_state(
            amthi_reply(Command::get_provisioning_state, u32_payload(v)));
    };
    CHECK(provisioning_state_name(state(0)) == "pre");
    CHECK(provisioning_state_name(state(1)) == "in");
    CHECK(provisioning_state_name(state(2)) == "post");
    CHECK_THROWS_AS(state(3), DecodeError);

    auto mode = [](std::uint32_t v) {
        return decode_control_mode(amthi_reply(Command::get_control_mode, u32_payload(v)));
    };
    CHECK(control_mode_name(mode(0)) == "pre-provisioning");
    CHECK(control_mode_name(mode(1)) == "ccm");
    CHECK(control_mode_name(mode(2)) == "acm");
    CHECK_THROWS_AS(mode(9), DecodeError);
    CHECK_THROWS_AS(decode_control_mode(amthi_reply(Command::get_control_mode, {})), DecodeError);
}

TEST_CASE("GetDNSSuffix is an AMT_ANSI_STRING without NUL", "[unit]") {
    Bytes payload = ByteWriter().u16le(11).string("example.com").take();
    CHECK(decode_dns_suffix(amthi_reply(Command::get_dns_suffix, payload)) == "example.com");
    CHECK(decode_dns_suffix(amthi_reply(Command::get_dns_suffix, Bytes{0, 0})).empty());
    Bytes lying = ByteWriter().u16le(12).string("example.com").take();
    CHECK_THROWS_AS(decode_dns_suffix(amthi_reply(Command::get_dns_suffix, lying)), DecodeError);
    Bytes padded = ByteWriter().u16le(11).string("example.com").u8(0).take();
    CHECK_THROWS_AS(decode_dns_suffix(amthi_reply(Command::get_dns_suffix, padded)), DecodeError);
}

TEST_CASE("EnumerateHashHandles: the count must match the Length", "[unit]") {
    Bytes payload = ByteWriter().u32le(3).u32le(1).u32le(2).u32le(5).take();
    CHECK(decode_hash_handles(amthi_reply(Command::enumerate_hash_handles, payload)) ==
          std::vector<std::uint32_t>{1, 2, 5});
    Bytes short_list = ByteWriter().u32le(3).u32le(1).u32le(2).take();
    CHECK_THROWS_AS(decode_hash_handles(amthi_reply(Command::enumerate_hash_handles, short_list)),
                    DecodeError);
    Bytes huge = ByteWriter().u32le(0xffffffff).take();
    CHECK_THROWS_AS(decode_hash_handles(amthi_reply(Command::enumerate_hash_handles, huge)),
                    DecodeError);
}

TEST_CASE("GetCertHashEntry: both boolean layouts and both algorithm mappings", "[unit]") {
    Bytes sha256(32, 0xab);
    auto entry = decode_cert_hash_entry(amthi_reply(
        Command::get_cert_hash_entry, cert_hash_payload("Root CA", 2, sha256, true, false)));
    CHECK(entry.name == "Root CA");
    CHECK(hash_algorithm_name(entry.algorithm) == "sha256");
    CHECK(entry.hash == sha256);
    CHECK(entry.is_default);
    CHECK_FALSE(entry.is_active);

    SECTION("value 3 with a 48-byte digest is SHA-384, with 64 bytes SHA-512") {
        Bytes sha384(48, 0x11);
        auto e384 = decode_cert_hash_entry(amthi_reply(
            Command::get_cert_hash_entry, cert_hash_payload("A", 3, sha384, false, true)));
        CHECK(hash_algorithm_name(e384.algorithm) == "sha384");
        CHECK(e384.hash.size() == 48);
        Bytes sha512(64, 0x22);
        auto e512 = decode_cert_hash_entry(amthi_reply(
            Command::get_cert_hash_entry, cert_hash_payload("B", 3, sha512, false, true)));
        CHECK(hash_algorithm_name(e512.algorithm) == "sha512");
        auto e5 = decode_cert_hash_entry(amthi_reply(
            Command::get_cert_hash_entry, cert_hash_payload("C", 5, sha512, false, true)));
        CHECK(hash_algorithm_name(e5.algorithm) == "sha512");
        CHECK(e5.hash.size() == 64);
    }
    SECTION("LMS's one-byte booleans") {
        ByteWriter w;
        w.u8(1).u8(1).bytes(Bytes(20, 0x5a)).zeros(44).u8(1).u16le(2).string("XY");
        auto lms = decode_cert_hash_entry(amthi_reply(Command::get_cert_hash_entry, w.data()));
        CHECK(lms.name == "XY");
        CHECK(hash_algorithm_name(lms.algorithm) == "sha1");
        CHECK(lms.hash == Bytes(20, 0x5a));
        CHECK(lms.is_active);
    }
    SECTION("a name longer than the reply, or an unknown algorithm, is rejected") {
        Bytes bad = cert_hash_payload("Root CA", 2, sha256, true, true);
        bad[73] = 40;
        CHECK_THROWS_AS(decode_cert_hash_entry(amthi_reply(Command::get_cert_hash_entry, bad)),
                        DecodeError);
        Bytes unknown = cert_hash_payload("Root CA", 9, sha256, true, true);
        CHECK_THROWS_AS(decode_cert_hash_entry(amthi_reply(Command::get_cert_hash_entry, unknown)),
                        DecodeError);
        CHECK_THROWS_AS(decode_cert_hash_entry(amthi_reply(Command::get_cert_hash_entry, {})),
                        DecodeError);
    }
}

TEST_CASE("GetLANInterfaceSettings is 20 bytes with the IPv4 first octet high", "[unit]") {
    auto lan = decode_lan_interface_settings(
        amthi_reply(Command::get_lan_interface_settings, lan_payload(0xC0A8010A, true, true)));
    CHECK(lan.enabled);
    CHECK(lan.dhcp_enabled);
    CHECK(lan.link_up);
    CHECK(format_ipv4(lan.ipv4) == "192.168.1.10");
    CHECK(format_mac(lan.mac) == "00:1b:21:aa:bb:cc");
    Bytes message = amthi_reply(Command::get_lan_interface_settings, lan_payload(1, false, false));
    CHECK_THROWS_AS(decode_lan_interface_settings(without_last_byte(message)), DecodeError);
    CHECK_THROWS_AS(decode_lan_interface_settings(with_extra_byte(message)), DecodeError);
}

TEST_CASE("GetLocalSystemAccount accepts 66 and 68 bytes, password as a Secret", "[unit]") {
    ByteWriter w;
    w.string("$$OsAdmin").zeros(33 - 9).string("s3cret!").zeros(33 - 7);
    Bytes body66 = w.data();
    auto account =
        decode_local_system_account(amthi_reply(Command::get_local_system_account, body66));
    CHECK(account.username == "$$OsAdmin");
    CHECK(account.password.reveal() == "s3cret!");
    Bytes body68 = ByteWriter().bytes(body66).zeros(2).take();
    CHECK(decode_local_system_account(amthi_reply(Command::get_local_system_account, body68))
              .username == "$$OsAdmin");
    Bytes body65(body66.begin(), body66.end() - 1);
    CHECK_THROWS_AS(
        decode_local_system_account(amthi_reply(Command::get_local_system_account, body65)),
        DecodeError);
}

TEST_CASE("Unprovision returns its status as a value", "[unit]") {
    CHECK(to_hex(encode_unprovision(UnprovisionMode::none)) == "010100001000000404000000"
                                                               "00000000");
    CHECK(decode_unprovision(amthi_reply(Command::unprovision, {})) == 0);
    CHECK(decode_unprovision(amthi_reply(Command::unprovision, u32_payload(2))) == 0);
    CHECK(decode_unprovision(amthi_reply(Command::unprovision, {}, 3)) == 3);
    CHECK_THROWS_AS(decode_unprovision(amthi_reply(Command::get_uuid, {})), DecodeError);
}

TEST_CASE("StartConfigurationHBased sends 390 bytes: algorithm, hash field, no VPN, no suffixes",
          "[unit]") {
    Bytes hash(32, 0xAB);
    Bytes request = encode_start_configuration_hbased({HashAlgorithm::sha256, hash});
    REQUIRE(request.size() == k_header_size + k_hbased_request_size);
    ByteReader r(request);
    r.bytes(8, "version, reserved, command");
    CHECK(r.u32le("Length") == 390);
    CHECK(r.u8("ServerHashAlgorithm") == 2);
    ByteView field = r.bytes(64, "ServerCertHash");
    CHECK(Bytes(field.begin(), field.begin() + 32) == hash);
    CHECK(std::all_of(field.begin() + 32, field.end(), [](auto b) { return b == 0; }));
    CHECK(r.u8("HostVPNEnable") == 0);
    CHECK(r.u32le("SuffixListLen") == 0);

    Bytes sha384 = encode_start_configuration_hbased({HashAlgorithm::sha384, Bytes(48, 1)});
    CHECK(sha384[k_header_size] == 3);
    CHECK_THROWS_AS(encode_start_configuration_hbased({HashAlgorithm::sha1, Bytes(20, 1)}),
                    DecodeError);
    CHECK_THROWS_AS(encode_start_configuration_hbased({HashAlgorithm::sha256, Bytes(48, 1)}),
                    DecodeError);
}

TEST_CASE("StartConfigurationHBased's AMTCertHash is read raw or as hex text", "[unit]") {
    auto reply = [](std::uint8_t algorithm, Bytes field) {
        field.resize(64, 0);
        Bytes payload = ByteWriter().u8(algorithm).bytes(field).take();
        return decode_start_configuration_hbased(
            amthi_reply(Command::start_configuration_hbased, payload));
    };
    Bytes raw = from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    auto plain = reply(2, raw);
    CHECK(plain.algorithm == HashAlgorithm::sha256);
    CHECK(plain.hash == raw);

    std::string hex = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
    auto text = reply(2, Bytes(hex.begin(), hex.end()));
    CHECK(text.hash == raw);

    auto unnamed = reply(0, raw); // an empty algorithm is SHA-256 (rpc-go)
    CHECK(unnamed.algorithm == HashAlgorithm::sha256);

    Bytes raw384(48, 0x5A);
    auto sha384 = reply(3, raw384);
    CHECK(sha384.algorithm == HashAlgorithm::sha384);
    CHECK(sha384.hash == raw384);

    CHECK_THROWS_AS(reply(1, raw), DecodeError);
    CHECK_THROWS_AS(decode_start_configuration_hbased(
                        amthi_reply(Command::start_configuration_hbased, Bytes(64, 0))),
                    DecodeError);
    CHECK_THROWS_AS(decode_start_configuration_hbased(
                        amthi_reply(Command::start_configuration_hbased, {}, 0x24)),
                    StatusError);
}

TEST_CASE("StopConfiguration's answer is its status", "[unit]") {
    CHECK(decode_stop_configuration(amthi_reply(Command::stop_configuration, {})) == 0);
    CHECK(decode_stop_configuration(amthi_reply(Command::stop_configuration, {}, 3)) == 3);
}
