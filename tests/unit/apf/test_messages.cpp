// Tests of the APF codec: exact layouts from apf-lme.md, round trips, and hostile input.
#include "amtcfg/apf/messages.hpp"
#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::apf;

namespace {

template <typename T> T decode_as(const Bytes& bytes) {
    Message message = decode_message(bytes);
    REQUIRE(std::holds_alternative<T>(message));
    return std::get<T>(message);
}

} // namespace

TEST_CASE("PROTOCOL_VERSION is 93 bytes, big-endian, with the uuid and 64 reserved bytes",
          "[unit]") {
    ProtocolVersion version{1, 0, 254, {}};
    version.uuid[0] = 0xaa;
    version.uuid[15] = 0xbb;
    Bytes bytes = encode(version);
    REQUIRE(bytes.size() == k_protocol_version_size);
    CHECK(to_hex(ByteView(bytes).first(13)) == "c000000001000000000000"
                                               "00fe");
    CHECK(bytes[13] == 0xaa);
    CHECK(bytes[28] == 0xbb);
    CHECK(decode_as<ProtocolVersion>(bytes) == version);
}

TEST_CASE("SERVICE_ACCEPT for pfwd is the 23 bytes of the reference", "[unit]") {
    Bytes bytes = encode(ServiceAccept{std::string(k_service_pfwd)});
    CHECK(bytes.size() == 23);
    CHECK(to_hex(ByteView(bytes).first(5)) == "0600000012");
    CHECK(decode_as<ServiceAccept>(bytes).service == k_service_pfwd);
    Bytes request = encode(ServiceRequest{std::string(k_service_pfwd)});
    CHECK(request[0] == 5);
    CHECK(decode_as<ServiceRequest>(request).service == k_service_pfwd);
}

TEST_CASE("CHANNEL_OPEN from the host is 54 bytes with the reference's defaults", "[unit]") {
    ChannelOpen open;
    open.sender_channel = 7;
    Bytes bytes = encode(open);
    REQUIRE(bytes.size() == 54);
    CHECK(to_hex(bytes) == "5a0000000f" + to_hex(as_bytes("forwarded-tcpip")) +
                               "00000007"
                               "00001000"
                               "ffffffff"
                               "00000003" +
                               to_hex(as_bytes("::1")) +
                               "00004260"
                               "00000003" +
                               to_hex(as_bytes("::1")) + "0000007b");
    CHECK(decode_as<ChannelOpen>(bytes) == open);
}

TEST_CASE("tcpip-forward GLOBAL_REQUEST and its replies", "[unit]") {
    GlobalRequest forward{std::string(k_request_tcpip_forward), 1, "::1", k_port_http};
    CHECK(decode_as<GlobalRequest>(encode(forward)) == forward);
    CHECK(to_hex(encode(RequestSuccess{k_port_http})) == "5100004260");
    CHECK(to_hex(encode(RequestFailure{})) == "52");
    CHECK(decode_as<RequestSuccess>(encode(RequestSuccess{623})).port == 623u);
    CHECK_FALSE(decode_as<RequestSuccess>(Bytes{81}).port.has_value());
    // A request name without a known payload decodes so that the host can refuse it.
    GlobalRequest other{"keepalive@amt", 0, "", 0};
    ByteWriter w;
    w.u8(80).u32be(13).string("keepalive@amt");
    CHECK(decode_as<GlobalRequest>(w.take()) == other);
}

TEST_CASE("channel messages round-trip with exact sizes", "[unit]") {
    ChannelOpenConfirmation confirm{3, 0x55, 8192, k_reserved};
    Bytes confirm_bytes = encode(confirm);
    CHECK(confirm_bytes.size() == 17);
    CHECK(decode_as<ChannelOpenConfirmation>(confirm_bytes) == confirm);

    ChannelOpenFailure failure{3, static_cast<std::uint32_t>(OpenFailureReason::connect_failed)};
    CHECK(encode(failure).size() == 17);
    CHECK(decode_as<ChannelOpenFailure>(encode(failure)) == failure);

    CHECK(to_hex(encode(ChannelWindowAdjust{0x55, 300})) == "5d000000550000012c");
    CHECK(decode_as<ChannelWindowAdjust>(encode(ChannelWindowAdjust{0x55, 300})).bytes_to_add ==
          300);
    CHECK(to_hex(encode(ChannelClose{0x55})) == "6100000055");
    CHECK(decode_as<ChannelClose>(Bytes{97, 0, 0, 0, 9}).recipient_channel == 9);

    ChannelData data{0x55, {'G', 'E', 'T'}};
    CHECK(to_hex(encode(data)) == "5e0000005500000003474554");
    CHECK(decode_as<ChannelData>(encode(data)) == data);
}

TEST_CASE("keepalive, disconnect and user-auth messages", "[unit]") {
    CHECK(decode_as<KeepaliveRequest>(Bytes{208, 0, 0, 0, 42}).payload == Bytes{0, 0, 0, 42});
    CHECK(to_hex(encode_keepalive_reply(Bytes{0, 0, 0, 42})) == "d10000002a");
    CHECK(decode_as<Disconnect>(Bytes{1, 0, 0, 0, 2, 0, 0}).reason == 2u);
    CHECK_FALSE(decode_as<Disconnect>(Bytes{1}).reason.has_value());
    CHECK(decode_as<Unhandled>(Bytes{50, 1, 2}).type == MessageType::userauth_request);
    CHECK(encode_message(Unhandled{MessageType::userauth_success}) == Bytes{52});
}

TEST_CASE("every truncation of every message is a DecodeError naming the message", "[unit]") {
    std::vector<Bytes> samples{
        encode(ProtocolVersion{}),
        encode(ServiceRequest{std::string(k_service_pfwd)}),
        encode(GlobalRequest{std::string(k_request_tcpip_forward), 1, "::1", 16992}),
        encode(ChannelOpen{}),
        encode(ChannelOpenConfirmation{1, 2, 3, 4}),
        encode(ChannelOpenFailure{1, 2}),
        encode(ChannelWindowAdjust{1, 2}),
        encode(ChannelData{1, {1, 2, 3}}),
        encode(ChannelClose{1}),
    };
    for (const Bytes& full : samples) {
        std::string name = message_name(full[0]);
        for (std::size_t size = 1; size < full.size(); ++size) {
            Bytes truncated(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(size));
            INFO(name << " truncated to " << size);
            CHECK_THROWS_WITH(decode_message(truncated), Catch::Contains(name));
        }
        CHECK_NOTHROW(decode_message(full));
    }
}

TEST_CASE("empty, unknown and oversized-length messages are rejected", "[unit]") {
    CHECK_THROWS_AS(decode_message(Bytes{}), DecodeError);
    CHECK_THROWS_WITH(decode_message(Bytes{7, 0}), Catch::Contains("unknown APF message type 7"));
    // A data length far beyond the message must not be trusted.
    CHECK_THROWS_AS(decode_message(Bytes{94, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 'x'}),
                    DecodeError);
    CHECK_THROWS_AS(decode_message(Bytes{5, 0x80, 0, 0, 0, 'p'}), DecodeError);
}

TEST_CASE("message names follow the reference", "[unit]") {
    CHECK(message_name(94) == "CHANNEL_DATA");
    CHECK(message_name(192) == "PROTOCOL_VERSION");
    CHECK(message_name(3) == "type 3");
}
