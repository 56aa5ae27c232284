// AMTHI (PTHI) protocol constants with the reference's names: commands, statuses, header checks.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace amtcfg::amthi {

// Request codes (amthi.md section 3.1). A reply carries `code | k_response_flag`.
enum class Command : std::uint32_t {
    get_provisioning_mode = 0x04000008,
    unprovision = 0x04000010,
    get_provisioning_state = 0x04000011,
    get_code_versions = 0x0400001A,
    start_configuration = 0x04000029,
    get_provisioning_tls_mode = 0x0400002B,
    enumerate_hash_handles = 0x0400002C,
    get_cert_hash_entry = 0x0400002D,
    set_dns_suffix = 0x0400002F,
    get_zero_touch_enabled = 0x04000030,
    get_dns_suffix = 0x04000036,
    get_lan_interface_settings = 0x04000048,
    get_uuid = 0x0400005C,
    stop_configuration = 0x0400005E,
    get_local_system_account = 0x04000067,
    get_control_mode = 0x0400006B,
    start_configuration_hbased = 0x0400008B,
};

inline constexpr std::uint32_t k_response_flag = 0x00800000;
inline constexpr std::uint8_t k_version_major = 1;
inline constexpr std::uint8_t k_version_minor = 1;
inline constexpr std::size_t k_header_size = 12;         // version, reserved, command, length
inline constexpr std::size_t k_reply_header_size = 16;   // ... plus AMT_STATUS
inline constexpr std::size_t k_max_code_versions = 50;   // structs declare 50 entries
inline constexpr std::size_t k_version_string_size = 20; // AMT_UNICODE_STRING bytes
inline constexpr std::size_t k_bios_version_size = 65;
inline constexpr std::size_t k_cert_hash_size = 64;       // CertificateHash field
inline constexpr std::size_t k_account_field_size = 33;   // Username / Password fields
inline constexpr std::size_t k_account_request_size = 40; // GetLocalSystemAccount reserved

// The reference's name of a command ("GetCodeVersions"), as used in messages and fault specs.
std::string_view command_name(Command command);

// AMT_STATUS (amthi.md section 2). Values, not exceptions: the caller decides.
using AmtStatus = std::uint32_t;
inline constexpr AmtStatus k_status_success = 0x00;
inline constexpr AmtStatus k_status_not_ready = 0x02;
inline constexpr AmtStatus k_status_invalid_pt_mode = 0x03;

// "NOT_READY" for 0x02; empty for a code not in the table.
std::string_view status_name(AmtStatus status);
// "0x2 NOT_READY" (or "0x1234" when unnamed), for messages.
std::string describe_status(AmtStatus status);

// A reply whose AMT_STATUS is not SUCCESS. Category amt_unavailable (exit 13); callers for
// whom a status is an expected answer catch it and read status().
class StatusError : public Error {
public:
    StatusError(Command command, AmtStatus status);
    Command command() const { return m_command; }
    AmtStatus status() const { return m_status; }

private:
    Command m_command;
    AmtStatus m_status;
};

// The 12-byte request header followed by `payload`.
Bytes encode_request(Command command, ByteView payload = {});

struct Reply {
    AmtStatus status = 0;
    ByteView payload; // the bytes after the status, inside the message
};

// Checks a reply's framing before any field is read: at least 16 bytes, version 1.x (x >= 1),
// Command == request | 0x800000, Length == size - 12. Throws DecodeError on a mismatch.
Reply decode_reply(ByteView message, Command command);

// decode_reply() plus: throws StatusError unless the status is SUCCESS; returns the payload.
ByteView success_payload(ByteView message, Command command);

} // namespace amtcfg::amthi
