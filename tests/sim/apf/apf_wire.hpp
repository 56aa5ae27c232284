// APF message numbers, constant strings and byte layouts as the simulated firmware uses them
// (apf-lme.md section 2; all integers big-endian). The simulator's own table: it does not share
// the client's codec, so the two can be checked against each other.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace amtcfg::sim::apf {

enum class Message : std::uint8_t {
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
};

inline constexpr std::string_view k_pfwd_service = "pfwd@amt.intel.com";
inline constexpr std::string_view k_tcpip_forward = "tcpip-forward";
inline constexpr std::string_view k_forwarded_tcpip = "forwarded-tcpip";
inline constexpr std::string_view k_direct_tcpip = "direct-tcpip";
inline constexpr std::uint32_t k_trigger_lme = 254;
inline constexpr std::size_t k_protocol_version_size = 93;

// CHANNEL_OPEN_FAILURE reason codes.
inline constexpr std::uint32_t k_open_prohibited = 1;
inline constexpr std::uint32_t k_open_connect_failed = 2;
inline constexpr std::uint32_t k_open_unknown_type = 3;
inline constexpr std::uint32_t k_open_resource_shortage = 4;

// DISCONNECT reason for a PROTOCOL_VERSION other than 1.0 (APF_DISCONNECT_PROTOCOL_VERSION_NOT_
// SUPPORTED in Intel's LMS_if_constants.h, docs/notes/wsman-facts.md).
inline constexpr std::uint32_t k_disconnect_version_not_supported = 8;

inline constexpr std::uint16_t k_port_http = 16992;
inline constexpr std::uint16_t k_port_https = 16993;
inline constexpr std::uint16_t k_port_redirection = 623;
inline constexpr std::uint16_t k_port_redirection_tls = 664;

Bytes protocol_version(std::uint32_t major, std::uint32_t minor, std::uint32_t trigger,
                       ByteView uuid16);
Bytes service_request(std::string_view service);
Bytes tcpip_forward_request(std::string_view address, std::uint32_t port);
Bytes channel_open_confirmation(std::uint32_t recipient, std::uint32_t sender,
                                std::uint32_t window);
Bytes channel_open_failure(std::uint32_t recipient, std::uint32_t reason);
Bytes channel_window_adjust(std::uint32_t recipient, std::uint32_t bytes_to_add);
Bytes channel_data(std::uint32_t recipient, ByteView data);
Bytes channel_close(std::uint32_t recipient);
// u8 1; u32 reason; u16 reserved (APF_DISCONNECT_MESSAGE of LMS_if.h).
Bytes disconnect(std::uint32_t reason);
// Throws DecodeError when a message has bytes after its last field.
void expect_end(const ByteReader& reader, std::string_view message);

// A length-prefixed string (u32 length + bytes).
std::string read_string(ByteReader& reader, std::string_view field);

} // namespace amtcfg::sim::apf
