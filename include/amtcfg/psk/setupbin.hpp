// The USB one-touch provisioning file setup.bin (reference/psk-setupbin.md section 2): versions,
// the variable table, the model, and encode/decode as pure functions over bytes.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/secret.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::psk {

constexpr std::size_t k_chunk_size = 512;
constexpr std::size_t k_file_header_fixed_bytes = 40;
constexpr std::size_t k_record_header_bytes = 24;
constexpr std::size_t k_record_body_bytes = k_chunk_size - k_record_header_bytes;
constexpr std::uint32_t k_record_type_data = 1;
constexpr std::uint32_t k_record_flag_valid = 1U << 0;
constexpr std::uint32_t k_record_flag_scrambled = 1U << 1;
constexpr std::uint16_t k_file_flag_no_consume = 1U << 0;
constexpr std::uint8_t k_scramble_add = 0x11;
constexpr std::size_t k_max_cert_hashes = 3;

// In file order: a later version is a superset of an earlier one.
enum class SetupBinVersion { v1_0, v2_0, v2_1, v3_0, v4_0 };

struct VersionInfo {
    SetupBinVersion version;
    std::string_view name; // as --setup-version takes it: "1", "2", "2.1", "3", "4"
    std::uint8_t major;
    std::uint8_t minor;
    std::string_view uuid; // FileTypeUUID, stored bytes_le
};

std::span<const VersionInfo> setup_bin_versions();
const VersionInfo& version_info(SetupBinVersion version);
// Accepts "1", "1.0", "2", "2.0", "2.1", "3", "3.0", "4", "4.0".
std::optional<SetupBinVersion> parse_setup_bin_version(std::string_view text);

// How a variable's value is laid out and shown.
enum class ValueKind { text, u8, u16, u32, guid, ipv4, cert_hash, opaque };
enum class Sensitivity { plain, secret };

struct VarId {
    std::uint16_t module = 0;
    std::uint16_t id = 0;
    auto operator<=>(const VarId&) const = default;
};

struct Choice {
    std::string_view name;
    std::uint32_t value;
};

struct VariableSpec {
    VarId var;
    ValueKind kind;
    std::string_view key;   // JSON name: "pki_dns_suffix"
    std::string_view title; // "PKI DNS suffix"
    SetupBinVersion since;  // the first file version that carries it
    std::size_t limit;      // text/opaque: most bytes; numbers: largest value (0: the type's)
    std::span<const Choice> choices;
    Sensitivity sensitivity;
    std::string_view option; // the create-psk option that sets it, or empty
};

std::span<const VariableSpec> variable_table();
const VariableSpec* find_variable(VarId var);

// The variables the writer itself fills in (the rest come from variable_table's options).
namespace vars {
constexpr VarId current_mebx_password{1, 1};
constexpr VarId new_mebx_password{1, 2};
constexpr VarId manageability_selection{1, 3};
constexpr VarId pid{2, 1};
constexpr VarId pps{2, 2};
constexpr VarId pki_dns_suffix{2, 3};
constexpr VarId config_server_fqdn{2, 4};
constexpr VarId user_cert_config{2, 7};
constexpr VarId user_cert_add{2, 8};
constexpr VarId provisioning_server_address{2, 17};
constexpr VarId provisioning_server_port{2, 18};
constexpr VarId provision_halt_activate{2, 28};
} // namespace vars

// One TLV entry. The value is kept in a Secret because passwords and PPS values live here.
struct Entry {
    VarId var;
    Secret value; // the raw value bytes
};

struct Record {
    std::uint32_t type = k_record_type_data;
    std::uint32_t flags = k_record_flag_valid;
    std::vector<Entry> entries;
};

struct SetupBin {
    SetupBinVersion version = SetupBinVersion::v4_0;
    std::uint16_t file_flags = 0;
    std::uint32_t consumed = 0;
    std::vector<Record> records;
};

// Chunk counts 1, the module list and its byte count, entries sorted by (module, variable) and
// padded to 4 bytes, zero fill, then scrambling of records that are flagged for it. Throws
// Error(usage) when a record does not fit its 488 bytes or there is no record.
Bytes encode_setup_bin(const SetupBin& file);

struct Problem {
    std::string where; // "header", "record 2", "record 2, 2.1 PID"
    std::string what;
};

struct DecodedRecord {
    std::size_t position = 0; // 1-based
    std::uint32_t type = 0;
    std::uint32_t flags = 0;
    std::uint16_t chunk_count = 0;
    std::uint16_t header_bytes = 0;
    std::uint32_t number = 0;
    bool consumed = false;
    std::vector<Entry> entries;
};

struct DecodedSetupBin {
    std::size_t file_size = 0;
    std::string uuid;
    std::optional<SetupBinVersion> version;
    std::uint16_t record_chunk_count = 0;
    std::uint16_t header_bytes = 0;
    std::uint32_t record_number = 0;
    std::uint8_t major = 0;
    std::uint8_t minor = 0;
    std::uint16_t file_flags = 0;
    std::uint32_t record_count = 0;
    std::uint32_t consumed = 0;
    std::uint16_t data_record_chunk_count = 0;
    std::vector<std::uint16_t> modules;
    std::vector<DecodedRecord> records;
    std::vector<Problem> problems; // empty for a file the firmware will take
};

// Decodes any bytes without throwing: every deviation from the format, the PID/PPS checksums
// and the MEBx password rules becomes a Problem that says what is wrong and what it should be.
DecodedSetupBin decode_setup_bin(ByteView data);

// The checks decode_setup_bin applies to one record's entries; `where` prefixes problems.
void check_entries(std::span<const Entry> entries, SetupBinVersion version,
                   const std::string& where, std::vector<Problem>& problems);

} // namespace amtcfg::psk
