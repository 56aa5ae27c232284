// AMTHI request encoders and reply decoders: pure functions over bytes (amthi.md section 3).
#pragma once

#include "amtcfg/amthi/protocol.hpp"
#include "amtcfg/util/secret.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::amthi {

// Every decode_* takes a whole reply message, checks its framing and status first
// (decode_reply, success_payload) and then the payload's length before reading a field.
// Malformed replies throw DecodeError; a non-SUCCESS status throws StatusError.

struct VersionEntry {
    std::string description; // "AMT", "Build Number", "Sku", ...
    std::string version;
};

struct CodeVersions {
    std::string bios_version;
    std::vector<VersionEntry> entries;
    // The version of the entry named `description`, or nullopt.
    std::optional<std::string> find(std::string_view description) const;
};

using Uuid = std::array<std::uint8_t, 16>;

enum class ProvisioningState : std::uint32_t { pre = 0, in = 1, post = 2 };
enum class ControlMode : std::uint32_t { pre_provisioning = 0, ccm = 1, acm = 2 };

// Wire values of HashAlgorithm. Value 3 is SHA-512 to LMS/MeshAgent and SHA-384 to newer
// rpc-go (amthi.md section 4); decode_cert_hash_entry tells them apart by the hash's length.
enum class HashAlgorithm { md5, sha1, sha256, sha384, sha224, sha512 };
std::string_view hash_algorithm_name(HashAlgorithm algorithm); // "sha256"

struct CertHashEntry {
    std::string name;
    HashAlgorithm algorithm = HashAlgorithm::sha256;
    Bytes hash; // exactly the digest's length
    bool is_default = false;
    bool is_active = false;
};

enum class LanInterfaceIndex : std::uint32_t { wired = 0, wireless = 1 };

struct LanInterface {
    bool enabled = false;
    std::uint32_t ipv4 = 0; // first octet in the most significant byte
    bool dhcp_enabled = false;
    std::uint8_t dhcp_mode = 0; // 1 active, 2 passive
    bool link_up = false;
    std::array<std::uint8_t, 6> mac{};
};

struct LocalSystemAccount {
    std::string username;
    Secret password;
};

enum class UnprovisionMode : std::uint32_t { none = 0, enterprise = 1 };

// Secure Host-Based Configuration (AMT 19+, amthi.md section 3.2): the client names its
// provisioning leaf certificate by hash; AMT answers with the hash of its own TLS leaf, which
// the client then pins on port 16993. Only SHA-256 and SHA-384 exist here.
inline constexpr std::size_t k_hbased_request_size = 390;
inline constexpr std::size_t k_hbased_suffix_list_size = 320;
struct HBasedHash {
    HashAlgorithm algorithm = HashAlgorithm::sha256; // sha256 or sha384
    Bytes hash;                                      // 32 or 48 bytes
};

// Requests.
Bytes encode_get_cert_hash_entry(std::uint32_t handle);
Bytes encode_get_lan_interface_settings(LanInterfaceIndex index);
Bytes encode_get_local_system_account();
Bytes encode_unprovision(UnprovisionMode mode);
// ServerHashAlgorithm, the hash in the 64-byte ServerCertHash field, HostVPNEnable false and no
// DNS suffix list (what rpc-go sends). Throws DecodeError for another algorithm or a hash whose
// length does not fit it.
Bytes encode_start_configuration_hbased(const HBasedHash& provisioning_leaf);
// Commands without a payload use encode_request(Command::...).

// Replies.
CodeVersions decode_code_versions(ByteView message);
Uuid decode_uuid(ByteView message);
ProvisioningState decode_provisioning_state(ByteView message);
ControlMode decode_control_mode(ByteView message);
std::string decode_dns_suffix(ByteView message);
std::vector<std::uint32_t> decode_hash_handles(ByteView message);
CertHashEntry decode_cert_hash_entry(ByteView message);
LanInterface decode_lan_interface_settings(ByteView message);
LocalSystemAccount decode_local_system_account(ByteView message);
// Unprovision's answer is its status, returned as a value (extra bytes tolerated).
AmtStatus decode_unprovision(ByteView message);
// AMT's own TLS leaf hash: u8 HashAlgorithm (2 SHA-256, 3 SHA-384, 0 read as SHA-256), then the
// 64-byte AMTCertHash field, raw or as NUL-terminated hex text (newer firmware; rpc-go accepts
// both).
HBasedHash decode_start_configuration_hbased(ByteView message);
// StopConfiguration's answer is its status (INVALID_PT_MODE when AMT is not in provisioning).
AmtStatus decode_stop_configuration(ByteView message);

// Presentation of decoded values.
std::string format_uuid(const Uuid& uuid); // SMBIOS (mixed-endian) order, lower case
std::string format_ipv4(std::uint32_t address);
std::string format_mac(const std::array<std::uint8_t, 6>& mac);
std::string_view control_mode_name(ControlMode mode);              // "pre-provisioning"
std::string_view provisioning_state_name(ProvisioningState state); // "pre"

// Feature names of a SKU bitmask as rpc-go decodes it for AMT >= 5 (amthi.md section 3.2).
std::vector<std::string> decode_sku_features(std::uint32_t sku, int amt_major);

} // namespace amtcfg::amthi
