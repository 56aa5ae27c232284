// Encoders of the APF messages the simulated firmware sends (apf-lme.md section 2).
#include "apf/apf_wire.hpp"

namespace amtcfg::sim::apf {
namespace {

ByteWriter start(Message type) {
    ByteWriter writer;
    writer.u8(static_cast<std::uint8_t>(type));
    return writer;
}

void put_string(ByteWriter& writer, std::string_view text) {
    writer.u32be(static_cast<std::uint32_t>(text.size())).string(text);
}

constexpr std::size_t k_max_string = 1024;

} // namespace

Bytes protocol_version(std::uint32_t major, std::uint32_t minor, std::uint32_t trigger,
                       ByteView uuid16) {
    auto writer = start(Message::protocol_version);
    writer.u32be(major).u32be(minor).u32be(trigger).bytes(uuid16).zeros(64);
    return writer.take();
}

Bytes service_request(std::string_view service) {
    auto writer = start(Message::service_request);
    put_string(writer, service);
    return writer.take();
}

Bytes tcpip_forward_request(std::string_view address, std::uint32_t port) {
    auto writer = start(Message::global_request);
    put_string(writer, k_tcpip_forward);
    writer.u8(1); // want_reply
    put_string(writer, address);
    writer.u32be(port);
    return writer.take();
}

Bytes channel_open_confirmation(std::uint32_t recipient, std::uint32_t sender,
                                std::uint32_t window) {
    auto writer = start(Message::channel_open_confirmation);
    writer.u32be(recipient).u32be(sender).u32be(window).u32be(0xFFFFFFFF);
    return writer.take();
}

Bytes channel_open_failure(std::uint32_t recipient, std::uint32_t reason) {
    auto writer = start(Message::channel_open_failure);
    writer.u32be(recipient).u32be(reason).u32be(0).u32be(0);
    return writer.take();
}

Bytes channel_window_adjust(std::uint32_t recipient, std::uint32_t bytes_to_add) {
    auto writer = start(Message::channel_window_adjust);
    writer.u32be(recipient).u32be(bytes_to_add);
    return writer.take();
}

Bytes channel_data(std::uint32_t recipient, ByteView data) {
    auto writer = start(Message::channel_data);
    writer.u32be(recipient).u32be(static_cast<std::uint32_t>(data.size())).bytes(data);
    return writer.take();
}

Bytes channel_close(std::uint32_t recipient) {
    auto writer = start(Message::channel_close);
    writer.u32be(recipient);
    return writer.take();
}

Bytes disconnect(std::uint32_t reason) {
    auto writer = start(Message::disconnect);
    writer.u32be(reason).u16be(0);
    return writer.take();
}

void expect_end(const ByteReader& reader, std::string_view message) {
    if (!reader.at_end()) {
        throw DecodeError(std::to_string(reader.remaining()) + " bytes after the end of " +
                          std::string(message));
    }
}

std::string read_string(ByteReader& reader, std::string_view field) {
    auto size = reader.u32be(field);
    if (size > k_max_string) {
        throw DecodeError(std::string(field) + " is longer than the simulator accepts");
    }
    return reader.string(size, field);
}

} // namespace amtcfg::sim::apf
