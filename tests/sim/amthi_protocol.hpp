// AMTHI protocol constants as the simulator's firmware side uses them (reference/amthi.md).
// Written from the reference, not shared with the client's codec on purpose.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace amtcfg::sim::amthi {

inline constexpr std::uint8_t k_major_version = 1;
inline constexpr std::uint8_t k_minor_version = 1;
inline constexpr std::size_t k_header_size = 12;
inline constexpr std::uint32_t k_response_bit = 0x00800000;

struct CommandInfo {
    std::string_view name; // the reference name, used by the amthi-* faults
    std::uint32_t code;
};

// amthi.md section 3.1, every command the reference names.
// clang-format off
inline constexpr CommandInfo k_commands[] = {
    {"GetProvisioningMode", 0x04000008}, {"Unprovision", 0x04000010},
    {"GetProvisioningState", 0x04000011}, {"GetCodeVersions", 0x0400001A},
    {"GetSecurityParameters", 0x0400001B}, {"GetMacAddresses", 0x04000025},
    {"GenerateRngSeed", 0x04000028}, {"StartConfiguration", 0x04000029},
    {"SetProvisioningServerOTP", 0x0400002A}, {"GetProvisioningTLSMode", 0x0400002B},
    {"EnumerateHashHandles", 0x0400002C}, {"GetCertHashEntry", 0x0400002D},
    {"GetRngSeedStatus", 0x0400002E}, {"SetDnsSuffix", 0x0400002F},
    {"GetZeroTouchEnabled", 0x04000030}, {"GetDNSSuffix", 0x04000036}, {"GetPID", 0x0400003B},
    {"GetDnsSuffixList", 0x0400003E}, {"SetEnterpriseAccess", 0x0400003F},
    {"OpenUserInitiatedConnection", 0x04000044}, {"CloseUserInitiatedConnection", 0x04000045},
    {"GetRemoteAccessConnectionStatus", 0x04000046}, {"GetCurrentPowerPolicy", 0x04000047},
    {"GetLANInterfaceSettings", 0x04000048}, {"GetFeaturesState", 0x04000049},
    {"GetLastHostResetReason", 0x0400004A}, {"GetConfigServerData", 0x0400004E},
    {"GetMESetupAuditRecord", 0x04000050}, {"GetFQDN", 0x04000056}, {"SetHostFQDN", 0x0400005B},
    {"GetUUID", 0x0400005C}, {"StopConfiguration", 0x0400005E},
    {"StartConfigurationEx", 0x04000062}, {"GetLocalSystemAccount", 0x04000067},
    {"GetControlMode", 0x0400006B}, {"GetEHBCState", 0x04000084},
    {"DisableAndClearAMT", 0x04000088}, {"StartConfigurationHBased", 0x0400008B},
    {"GetCiraLog", 0x0400008E}, {"GetAmtState", 0x01000001},
};
// clang-format on

namespace command {
inline constexpr std::uint32_t unprovision = 0x04000010;
inline constexpr std::uint32_t get_provisioning_state = 0x04000011;
inline constexpr std::uint32_t get_code_versions = 0x0400001A;
inline constexpr std::uint32_t enumerate_hash_handles = 0x0400002C;
inline constexpr std::uint32_t get_cert_hash_entry = 0x0400002D;
inline constexpr std::uint32_t get_dns_suffix = 0x04000036;
inline constexpr std::uint32_t get_lan_interface_settings = 0x04000048;
inline constexpr std::uint32_t get_uuid = 0x0400005C;
inline constexpr std::uint32_t get_local_system_account = 0x04000067;
inline constexpr std::uint32_t get_control_mode = 0x0400006B;
inline constexpr std::uint32_t stop_configuration = 0x0400005E;
inline constexpr std::uint32_t start_configuration_hbased = 0x0400008B;
} // namespace command

// StartConfigurationHBased (amthi.md 3.2): u8 ServerHashAlgorithm, u8 ServerCertHash[64],
// u8 HostVPNEnable, u32 SuffixListLen, u8 NetworkDNSSuffixList[320].
inline constexpr std::uint32_t k_hbased_request_length = 390;
inline constexpr std::size_t k_hbased_hash_field = 64;
inline constexpr std::uint32_t k_hbased_max_suffix_list = 320;
inline constexpr std::uint8_t k_hash_sha256 = 2;
inline constexpr std::uint8_t k_hash_sha384 = 3;
// The first AMT major version with Secure Host-Based Configuration (CSME 19).
inline constexpr int k_first_shbc_version = 19;

// AMT_STATUS values the simulator sends (amthi.md section 2).
namespace status {
inline constexpr std::uint32_t success = 0x00;
inline constexpr std::uint32_t internal_error = 0x01;
inline constexpr std::uint32_t invalid_amt_mode = 0x03;
inline constexpr std::uint32_t invalid_message_length = 0x04;
inline constexpr std::uint32_t unsupported_version = 0x1D;
inline constexpr std::uint32_t invalid_provisioning_state = 0x20;
inline constexpr std::uint32_t invalid_index = 0x23;
inline constexpr std::uint32_t invalid_parameter = 0x24;
inline constexpr std::uint32_t interface_does_not_exist = 2501;
} // namespace status

// Looks a command up by its reference name, ignoring case.
std::optional<CommandInfo> find_command(std::string_view name);
std::optional<CommandInfo> find_command(std::uint32_t code);

} // namespace amtcfg::sim::amthi
