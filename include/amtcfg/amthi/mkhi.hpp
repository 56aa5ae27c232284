// MKHI GetFwVersion and the watchdog client's IsChangeToAMTEnabled: codecs (mei-heci.md 5, 6).
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace amtcfg::amthi {

// MKHI header: bits 0-7 GroupId, 8-14 Command, 15 IsResponse, 24-31 Result.
inline constexpr std::uint8_t k_mkhi_group_gen = 0xFF;
inline constexpr std::uint8_t k_mkhi_get_fw_version = 0x02;
inline constexpr std::uint32_t k_mkhi_is_response = 0x8000;

struct FirmwareVersionBlock {
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    std::uint16_t hotfix = 0;
    std::uint16_t build = 0;
};

struct FirmwareVersion {
    FirmwareVersionBlock code;
    FirmwareVersionBlock recovery;
    std::optional<FirmwareVersionBlock> fitc; // metee sends it (28 bytes), LMS reads only 20
    // "major.minor.hotfix" as LMS displays it (the build goes separately).
    std::string version() const;
};

Bytes encode_mkhi_get_fw_version();
// Checks group, command, IsResponse and Result before reading the version blocks. Throws
// DecodeError on malformed replies, Error(amt_unavailable) on a non-zero Result.
FirmwareVersion decode_mkhi_fw_version(ByteView message);

// Watchdog ("Manageability") client: header u8 Cmd 0x05, u8 ByteCount, u8 SubCmd, u8 Version.
inline constexpr std::uint8_t k_wd_command = 0x05;
inline constexpr std::uint8_t k_wd_version = 0x10;
inline constexpr std::uint8_t k_wd_is_change_to_amt_enabled = 0x51;
inline constexpr std::uint8_t k_wd_set_amt_operational_state = 0x53;

// IsChangeToAMTEnabled flag bits (mei-heci.md section 5).
struct ChangeEnabled {
    std::uint8_t flags = 0;
    bool transition_allowed() const { return (flags & 0x01) != 0; }
    bool new_interface() const { return (flags & 0x80) != 0; }
    // Bit 1 only means something when bit 7 says the interface is new.
    std::optional<bool> amt_enabled() const;
    bool tls_enforced() const { return (flags & 0x40) != 0; }
};

Bytes encode_is_change_to_amt_enabled();
ChangeEnabled decode_is_change_to_amt_enabled(ByteView message);

// SetAmtOperationalState's argument (mei-heci.md section 5).
enum class OperationalState : std::uint8_t { disabled = 0, enabled = 1 };
Bytes encode_set_amt_operational_state(OperationalState state);
// The reply echoes the request's four header bytes, then a u32 status; returns the status.
// Throws DecodeError on another size or header.
std::uint32_t decode_set_amt_operational_state(ByteView message);

} // namespace amtcfg::amthi
