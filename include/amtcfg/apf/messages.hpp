// APF (AMT Port Forwarding) messages carried over the LME client: types, constants and the
// pure encode/decode functions (apf-lme.md section 2; all integers big-endian).
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace amtcfg::apf {

// Message type bytes, with the names of apf-lme.md section 2.
enum class MessageType : std::uint8_t {
    disconnect = 1,
    service_request = 5,
    service_accept = 6,
    userauth_request = 50,
    userauth_failure = 51,
    userauth_success = 52,
    global_request = 80,
    request_success = 81,
    request_failure = 82,
    channel_open = 90,
    channel_open_confirmation = 91,
    channel_open_failure = 92,
    channel_window_adjust = 93,
    channel_data = 94,
    channel_close = 97,
    protocol_version = 192,
    keepalive_request = 208,
    keepalive_reply = 209,
    keepalive_options_request = 210,
    keepalive_options_reply = 211,
};

inline constexpr std::string_view k_service_pfwd = "pfwd@amt.intel.com";
inline constexpr std::string_view k_service_auth = "auth@amt.intel.com";
inline constexpr std::string_view k_request_tcpip_forward = "tcpip-forward";
inline constexpr std::string_view k_request_cancel_tcpip_forward = "cancel-tcpip-forward";
inline constexpr std::string_view k_channel_forwarded_tcpip = "forwarded-tcpip";
inline constexpr std::string_view k_channel_direct_tcpip = "direct-tcpip";

// Trigger reasons of PROTOCOL_VERSION. AMT answers with `lme`; rpc-go sends 9, which is not in
// the published list but is what firmware is known to accept from a host.
enum class TriggerReason : std::uint32_t {
    user_initiated = 1,
    alert = 2,
    hit_provisioning = 3,
    periodic = 4,
    host = 9,
    lme = 254,
};

// CHANNEL_OPEN_FAILURE reason codes.
enum class OpenFailureReason : std::uint32_t {
    administratively_prohibited = 1,
    connect_failed = 2,
    unknown_channel_type = 3,
    resource_shortage = 4,
};

inline constexpr std::uint16_t k_port_http = 16992;
inline constexpr std::uint16_t k_port_https = 16993;
inline constexpr std::uint16_t k_port_redirection = 16994;
inline constexpr std::uint16_t k_port_redirection_tls = 16995;
inline constexpr std::uint16_t k_port_asf_rmcp = 623;
inline constexpr std::uint16_t k_port_asf_rmcp_secure = 664;
inline constexpr std::uint32_t k_initial_window = 4096;
inline constexpr std::uint32_t k_reserved = 0xFFFFFFFF;
inline constexpr std::size_t k_protocol_version_size = 93;
// Bytes of a CHANNEL_DATA message before its payload: type, recipient channel, length.
inline constexpr std::size_t k_channel_data_header_size = 9;

struct ProtocolVersion {
    std::uint32_t major = 1;
    std::uint32_t minor = 0;
    std::uint32_t trigger = static_cast<std::uint32_t>(TriggerReason::host);
    std::array<std::uint8_t, 16> uuid{};
    bool operator==(const ProtocolVersion&) const = default;
};

struct ServiceRequest {
    std::string service;
    bool operator==(const ServiceRequest&) const = default;
};

struct ServiceAccept {
    std::string service;
    bool operator==(const ServiceAccept&) const = default;
};

// tcpip-forward and cancel-tcpip-forward from AMT. Other request names have no known payload;
// they decode with an empty address and port 0 so that the session can refuse them.
struct GlobalRequest {
    std::string name;
    std::uint8_t want_reply = 0;
    std::string address;
    std::uint32_t port = 0;
    bool operator==(const GlobalRequest&) const = default;
};

// The reply to tcpip-forward carries the port; a bare success is just the type byte.
struct RequestSuccess {
    std::optional<std::uint32_t> port;
    bool operator==(const RequestSuccess&) const = default;
};

struct RequestFailure {
    bool operator==(const RequestFailure&) const = default;
};

struct ChannelOpen {
    std::string channel_type{k_channel_forwarded_tcpip};
    std::uint32_t sender_channel = 0;
    std::uint32_t initial_window = k_initial_window;
    std::uint32_t reserved = k_reserved;
    std::string connected_address{"::1"};
    std::uint32_t connected_port = k_port_http;
    std::string originator_address{"::1"};
    std::uint32_t originator_port = 123;
    bool operator==(const ChannelOpen&) const = default;
};

struct ChannelOpenConfirmation {
    std::uint32_t recipient_channel = 0; // ours
    std::uint32_t sender_channel = 0;    // AMT's
    std::uint32_t window = 0;
    std::uint32_t reserved = k_reserved;
    bool operator==(const ChannelOpenConfirmation&) const = default;
};

struct ChannelOpenFailure {
    std::uint32_t recipient_channel = 0;
    std::uint32_t reason = 0;
    bool operator==(const ChannelOpenFailure&) const = default;
};

struct ChannelWindowAdjust {
    std::uint32_t recipient_channel = 0;
    std::uint32_t bytes_to_add = 0;
    bool operator==(const ChannelWindowAdjust&) const = default;
};

struct ChannelData {
    std::uint32_t recipient_channel = 0;
    Bytes data;
    bool operator==(const ChannelData&) const = default;
};

struct ChannelClose {
    std::uint32_t recipient_channel = 0;
    bool operator==(const ChannelClose&) const = default;
};

// DISCONNECT's layout is not in the reference beyond its type byte; a reason code is read when
// one is present.
struct Disconnect {
    std::optional<std::uint32_t> reason;
    bool operator==(const Disconnect&) const = default;
};

// KEEPALIVE_REQUEST: the payload is echoed back unchanged in KEEPALIVE_REPLY.
struct KeepaliveRequest {
    Bytes payload;
    bool operator==(const KeepaliveRequest&) const = default;
};

// A message of a known type that the host never acts on (USERAUTH_*, KEEPALIVE_OPTIONS_*...).
struct Unhandled {
    MessageType type{};
    bool operator==(const Unhandled&) const = default;
};

using Message = std::variant<ProtocolVersion, ServiceRequest, ServiceAccept, GlobalRequest,
                             RequestSuccess, RequestFailure, ChannelOpen, ChannelOpenConfirmation,
                             ChannelOpenFailure, ChannelWindowAdjust, ChannelData, ChannelClose,
                             Disconnect, KeepaliveRequest, Unhandled>;

Bytes encode(const ProtocolVersion& message);
Bytes encode(const ServiceRequest& message);
Bytes encode(const ServiceAccept& message);
Bytes encode(const GlobalRequest& message);
Bytes encode(const RequestSuccess& message);
Bytes encode(const RequestFailure& message);
Bytes encode(const ChannelOpen& message);
Bytes encode(const ChannelOpenConfirmation& message);
Bytes encode(const ChannelOpenFailure& message);
Bytes encode(const ChannelWindowAdjust& message);
Bytes encode(const ChannelData& message);
Bytes encode(const ChannelClose& message);
Bytes encode(const Disconnect& message);
Bytes encode(const KeepaliveRequest& message);
Bytes encode_keepalive_reply(ByteView payload);
Bytes encode_message(const Message& message);

// Decodes one LME message. Throws DecodeError for an empty, truncated or unknown message, or
// one whose length fields point past its end. Bytes after a complete message are ignored.
Message decode_message(ByteView bytes);

// For messages and logs: "CHANNEL_DATA", or "type 7" for an unknown byte.
std::string message_name(std::uint8_t type);

} // namespace amtcfg::apf
