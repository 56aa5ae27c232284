// GetCodeVersions decoding, the SKU's feature names, and the presentation of decoded values.
#include "amtcfg/amthi/codec.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::amthi {

namespace {

// AMT_UNICODE_STRING: u16 Length + 20 bytes, NUL-terminated inside, Length without the NUL.
std::string version_string(ByteReader& r, std::string_view field) {
    auto length = r.u16le(field);
    ByteView text = r.bytes(k_version_string_size, field);
    if (length > k_version_string_size) {
        throw DecodeError(
            fmt::format("{} length {} exceeds {} bytes", field, length, k_version_string_size));
    }
    auto used = text.first(length);
    auto end = std::find(used.begin(), used.end(), std::uint8_t{0});
    return {used.begin(), end};
}

} // namespace

std::optional<std::string> CodeVersions::find(std::string_view description) const {
    for (const auto& entry : entries) {
        if (entry.description == description) {
            return entry.version;
        }
    }
    return std::nullopt;
}

CodeVersions decode_code_versions(ByteView message) {
    ByteReader r(success_payload(message, Command::get_code_versions));
    CodeVersions versions;
    ByteView bios = r.bytes(k_bios_version_size, "BiosVersion");
    versions.bios_version.assign(bios.begin(), std::find(bios.begin(), bios.end(), 0));
    auto count = r.u32le("VersionsCount");
    constexpr std::size_t entry_size = 2 * (2 + k_version_string_size);
    if (count > k_max_code_versions || r.remaining() != count * entry_size) {
        throw DecodeError(
            fmt::format("{} version entries announced, {} bytes follow", count, r.remaining()));
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        VersionEntry entry;
        entry.description = version_string(r, "Description");
        entry.version = version_string(r, "Version");
        versions.entries.push_back(std::move(entry));
    }
    return versions;
}

std::vector<std::string> decode_sku_features(std::uint32_t sku, int amt_major) {
    struct Bit {
        std::uint32_t mask;
        std::string_view name;
        int below_major; // counts only on AMT versions below this; 0: always
    };
    static constexpr std::array<Bit, 5> k_bits{{
        {0x02, "iQST", 7},
        {0x08, "AMT Pro", 0},
        {0x10, "Intel Standard Manageability", 0},
        {0x2000, "AT-p", 0},
        {0x4000, "Corporate", 0},
    }};
    std::vector<std::string> names;
    for (const auto& bit : k_bits) {
        bool applies = bit.below_major == 0 || amt_major < bit.below_major;
        if ((sku & bit.mask) != 0 && applies) {
            names.emplace_back(bit.name);
        }
    }
    return names;
}

std::string format_uuid(const Uuid& u) {
    // GetUUID returns the SMBIOS byte order: the first three fields are little-endian.
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
                       "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11],
                       u[12], u[13], u[14], u[15]);
}

std::string format_ipv4(std::uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

std::string format_mac(const std::array<std::uint8_t, 6>& m) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                       m[5]);
}

std::string_view control_mode_name(ControlMode mode) {
    switch (mode) {
    case ControlMode::pre_provisioning:
        return "pre-provisioning";
    case ControlMode::ccm:
        return "ccm";
    case ControlMode::acm:
        return "acm";
    }
    return "unknown";
}

std::string_view provisioning_state_name(ProvisioningState state) {
    switch (state) {
    case ProvisioningState::pre:
        return "pre";
    case ProvisioningState::in:
        return "in";
    case ProvisioningState::post:
        return "post";
    }
    return "unknown";
}

} // namespace amtcfg::amthi
