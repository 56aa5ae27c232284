// Encoding and bounds-checked decoding of APF messages (apf-lme.md section 2).
#include "amtcfg/apf/messages.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <type_traits>

namespace amtcfg::apf {
namespace {

struct TypeName {
    MessageType type;
    std::string_view name;
};

constexpr std::array k_type_names{
    TypeName{MessageType::disconnect, "DISCONNECT"},
    TypeName{MessageType::service_request, "SERVICE_REQUEST"},
    TypeName{MessageType::service_accept, "SERVICE_ACCEPT"},
    TypeName{MessageType::userauth_request, "USERAUTH_REQUEST"},
    TypeName{MessageType::userauth_failure, "USERAUTH_FAILURE"},
    TypeName{MessageType::userauth_success, "USERAUTH_SUCCESS"},
    TypeName{MessageType::global_request, "GLOBAL_REQUEST"},
    TypeName{MessageType::request_success, "REQUEST_SUCCESS"},
    TypeName{MessageType::request_failure, "REQUEST_FAILURE"},
    TypeName{MessageType::channel_open, "CHANNEL_OPEN"},
    TypeName{MessageType::channel_open_confirmation, "CHANNEL_OPEN_CONFIRMATION"},
    TypeName{MessageType::channel_open_failure, "CHANNEL_OPEN_FAILURE"},
    TypeName{MessageType::channel_window_adjust, "CHANNEL_WINDOW_ADJUST"},
    TypeName{MessageType::channel_data, "CHANNEL_DATA"},
    TypeName{MessageType::channel_close, "CHANNEL_CLOSE"},
    TypeName{MessageType::protocol_version, "PROTOCOL_VERSION"},
    TypeName{MessageType::keepalive_request, "KEEPALIVE_REQUEST"},
    TypeName{MessageType::keepalive_reply, "KEEPALIVE_REPLY"},
    TypeName{MessageType::keepalive_options_request, "KEEPALIVE_OPTIONS_REQUEST"},
    TypeName{MessageType::keepalive_options_reply, "KEEPALIVE_OPTIONS_REPLY"},
};

ByteWriter start(MessageType type) {
    ByteWriter out;
    out.u8(static_cast<std::uint8_t>(type));
    return out;
}

ByteWriter& put_string(ByteWriter& out, std::string_view text) {
    return out.u32be(static_cast<std::uint32_t>(text.size())).string(text);
}

std::string get_string(ByteReader& in, std::string_view field) {
    std::uint32_t length = in.u32be(field);
    return in.string(length, field);
}

ProtocolVersion decode_protocol_version(ByteReader& in) {
    ProtocolVersion out;
    out.major = in.u32be("major version");
    out.minor = in.u32be("minor version");
    out.trigger = in.u32be("trigger reason");
    ByteView uuid = in.bytes(out.uuid.size(), "uuid");
    std::copy(uuid.begin(), uuid.end(), out.uuid.begin());
    in.skip(64, "reserved");
    return out;
}

GlobalRequest decode_global_request(ByteReader& in) {
    GlobalRequest out;
    out.name = get_string(in, "request name");
    if (out.name == k_request_tcpip_forward || out.name == k_request_cancel_tcpip_forward) {
        out.want_reply = in.u8("want reply");
        out.address = get_string(in, "address");
        out.port = in.u32be("port");
    }
    return out;
}

RequestSuccess decode_request_success(ByteReader& in) {
    RequestSuccess out;
    if (!in.at_end()) {
        out.port = in.u32be("port");
    }
    return out;
}

ChannelOpen decode_channel_open(ByteReader& in) {
    ChannelOpen out;
    out.channel_type = get_string(in, "channel type");
    out.sender_channel = in.u32be("sender channel");
    out.initial_window = in.u32be("initial window");
    out.reserved = in.u32be("reserved");
    out.connected_address = get_string(in, "connected address");
    out.connected_port = in.u32be("connected port");
    out.originator_address = get_string(in, "originator address");
    out.originator_port = in.u32be("originator port");
    return out;
}

ChannelOpenConfirmation decode_confirmation(ByteReader& in) {
    ChannelOpenConfirmation out;
    out.recipient_channel = in.u32be("recipient channel");
    out.sender_channel = in.u32be("sender channel");
    out.window = in.u32be("window");
    out.reserved = in.u32be("reserved");
    return out;
}

ChannelOpenFailure decode_open_failure(ByteReader& in) {
    ChannelOpenFailure out;
    out.recipient_channel = in.u32be("recipient channel");
    out.reason = in.u32be("reason");
    in.skip(8, "reserved");
    return out;
}

ChannelData decode_channel_data(ByteReader& in) {
    ChannelData out;
    out.recipient_channel = in.u32be("recipient channel");
    std::uint32_t length = in.u32be("data length");
    ByteView data = in.bytes(length, "data");
    out.data.assign(data.begin(), data.end());
    return out;
}

Message decode_body(MessageType type, ByteReader& in) {
    switch (type) {
    case MessageType::protocol_version:
        return decode_protocol_version(in);
    case MessageType::service_request:
        return ServiceRequest{get_string(in, "service name")};
    case MessageType::service_accept:
        return ServiceAccept{get_string(in, "service name")};
    case MessageType::global_request:
        return decode_global_request(in);
    case MessageType::request_success:
        return decode_request_success(in);
    case MessageType::request_failure:
        return RequestFailure{};
    case MessageType::channel_open:
        return decode_channel_open(in);
    case MessageType::channel_open_confirmation:
        return decode_confirmation(in);
    case MessageType::channel_open_failure:
        return decode_open_failure(in);
    case MessageType::channel_window_adjust: {
        std::uint32_t recipient = in.u32be("recipient channel");
        return ChannelWindowAdjust{recipient, in.u32be("bytes to add")};
    }
    case MessageType::channel_data:
        return decode_channel_data(in);
    case MessageType::channel_close:
        return ChannelClose{in.u32be("recipient channel")};
    case MessageType::disconnect:
        return in.remaining() >= 4 ? Disconnect{in.u32be("reason")} : Disconnect{};
    case MessageType::keepalive_request: {
        ByteView rest = in.rest();
        return KeepaliveRequest{Bytes(rest.begin(), rest.end())};
    }
    default:
        return Unhandled{type};
    }
}

} // namespace

std::string message_name(std::uint8_t type) {
    for (const auto& entry : k_type_names) {
        if (static_cast<std::uint8_t>(entry.type) == type) {
            return std::string(entry.name);
        }
    }
    return fmt::format("type {}", type);
}

Bytes encode(const ProtocolVersion& message) {
    ByteWriter out = start(MessageType::protocol_version);
    out.u32be(message.major).u32be(message.minor).u32be(message.trigger);
    out.bytes(message.uuid).zeros(64);
    return out.take();
}

Bytes encode(const ServiceRequest& message) {
    ByteWriter out = start(MessageType::service_request);
    return put_string(out, message.service).take();
}

Bytes encode(const ServiceAccept& message) {
    ByteWriter out = start(MessageType::service_accept);
    return put_string(out, message.service).take();
}

Bytes encode(const GlobalRequest& message) {
    ByteWriter out = start(MessageType::global_request);
    put_string(out, message.name).u8(message.want_reply);
    return put_string(out, message.address).u32be(message.port).take();
}

Bytes encode(const RequestSuccess& message) {
    ByteWriter out = start(MessageType::request_success);
    if (message.port) {
        out.u32be(*message.port);
    }
    return out.take();
}

Bytes encode(const RequestFailure&) {
    return start(MessageType::request_failure).take();
}

Bytes encode(const ChannelOpen& message) {
    ByteWriter out = start(MessageType::channel_open);
    put_string(out, message.channel_type).u32be(message.sender_channel);
    out.u32be(message.initial_window).u32be(message.reserved);
    put_string(out, message.connected_address).u32be(message.connected_port);
    return put_string(out, message.originator_address).u32be(message.originator_port).take();
}

Bytes encode(const ChannelOpenConfirmation& message) {
    ByteWriter out = start(MessageType::channel_open_confirmation);
    out.u32be(message.recipient_channel).u32be(message.sender_channel);
    return out.u32be(message.window).u32be(message.reserved).take();
}

Bytes encode(const ChannelOpenFailure& message) {
    ByteWriter out = start(MessageType::channel_open_failure);
    out.u32be(message.recipient_channel).u32be(message.reason);
    return out.u32be(0).u32be(0).take();
}

Bytes encode(const ChannelWindowAdjust& message) {
    ByteWriter out = start(MessageType::channel_window_adjust);
    return out.u32be(message.recipient_channel).u32be(message.bytes_to_add).take();
}

Bytes encode(const ChannelData& message) {
    ByteWriter out = start(MessageType::channel_data);
    out.u32be(message.recipient_channel).u32be(static_cast<std::uint32_t>(message.data.size()));
    return out.bytes(message.data).take();
}

Bytes encode(const ChannelClose& message) {
    return start(MessageType::channel_close).u32be(message.recipient_channel).take();
}

Bytes encode(const Disconnect& message) {
    ByteWriter out = start(MessageType::disconnect);
    if (message.reason) {
        out.u32be(*message.reason);
    }
    return out.take();
}

Bytes encode(const KeepaliveRequest& message) {
    return start(MessageType::keepalive_request).bytes(message.payload).take();
}

Bytes encode_keepalive_reply(ByteView payload) {
    return start(MessageType::keepalive_reply).bytes(payload).take();
}

Bytes encode_message(const Message& message) {
    return std::visit(
        [](const auto& typed) -> Bytes {
            if constexpr (std::is_same_v<std::decay_t<decltype(typed)>, Unhandled>) {
                return start(typed.type).take();
            } else {
                return encode(typed);
            }
        },
        message);
}

Message decode_message(ByteView bytes) {
    ByteReader in(bytes);
    std::uint8_t type = in.u8("message type");
    bool known = false;
    for (const auto& entry : k_type_names) {
        known = known || static_cast<std::uint8_t>(entry.type) == type;
    }
    if (!known) {
        throw DecodeError(fmt::format("unknown APF message type {}", type));
    }
    try {
        return decode_body(static_cast<MessageType>(type), in);
    } catch (const DecodeError& error) {
        throw DecodeError(fmt::format("{}: {}", message_name(type), error.what()));
    }
}

} // namespace amtcfg::apf
