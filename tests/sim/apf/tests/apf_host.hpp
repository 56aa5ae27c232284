// The host end of APF for the simulator tests, written from apf-lme.md section 2 (test code
// only, separate from the client codec), and a firmware session to drive with it.
#pragma once

#include "apf/apf_session.hpp"

#include "../../wsman/tests/support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace amtcfg::sim::apf::test_host {

// The host's messages, written here from apf-lme.md section 2 (test code only).
inline Bytes host_string_message(Message type, std::string_view text) {
    ByteWriter writer;
    writer.u8(static_cast<std::uint8_t>(type))
        .u32be(static_cast<std::uint32_t>(text.size()))
        .string(text);
    return writer.take();
}

inline Bytes host_version() {
    ByteWriter writer;
    writer.u8(192).u32be(1).u32be(0).u32be(9).zeros(16 + 64);
    return writer.take();
}

inline Bytes host_open(std::uint32_t sender, std::uint32_t window, std::uint32_t port,
                       std::string_view type = k_forwarded_tcpip) {
    ByteWriter writer;
    writer.u8(90).u32be(static_cast<std::uint32_t>(type.size())).string(type);
    writer.u32be(sender).u32be(window).u32be(0xFFFFFFFF);
    writer.u32be(3).string("::1").u32be(port).u32be(3).string("::1").u32be(123);
    return writer.take();
}

inline Bytes host_u32s(std::uint8_t type, std::initializer_list<std::uint32_t> values) {
    ByteWriter writer;
    writer.u8(type);
    for (auto value : values) {
        writer.u32be(value);
    }
    return writer.take();
}

inline Bytes host_data(std::uint32_t recipient, std::string_view data) {
    ByteWriter writer;
    writer.u8(94).u32be(recipient).u32be(static_cast<std::uint32_t>(data.size())).string(data);
    return writer.take();
}

struct Firmware {
    sim::test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service;
    std::vector<Bytes> sent;
    SessionOptions options = session_options(model.snapshot());
    Session session{service, [this] { return options; },
                    [this](Bytes m) { sent.push_back(std::move(m)); }};

    explicit Firmware(WsmanFaults faults = {})
        : service(model, std::move(faults), world.environment()) {}

    std::vector<Bytes> take() { return std::exchange(sent, {}); }

    void handshake() {
        session.receive(host_version());
        session.receive(host_string_message(Message::service_accept, k_pfwd_service));
        session.receive(host_u32s(81, {16992}));
        session.receive(Bytes{82});
        REQUIRE(session.phase() == Phase::ready);
        take();
    }

    // Opens channel 1 and returns the firmware's channel number.
    std::uint32_t open(std::uint32_t window) {
        session.receive(host_open(1, window, 16992));
        auto replies = take();
        REQUIRE(replies.size() == 1);
        REQUIRE(replies[0][0] == 91);
        ByteReader reader(replies[0]);
        reader.u8("type");
        CHECK(reader.u32be("recipient") == 1);
        return reader.u32be("sender");
    }
};

inline std::string data_of(const std::vector<Bytes>& messages, bool* closed = nullptr) {
    std::string out;
    for (const auto& message : messages) {
        ByteReader reader(message);
        auto type = reader.u8("type");
        if (type == 94) {
            reader.u32be("recipient");
            auto size = reader.u32be("size");
            out += reader.string(size, "data");
        }
        if (type == 97 && closed != nullptr) {
            *closed = true;
        }
    }
    return out;
}

} // namespace amtcfg::sim::apf::test_host
