// AMTHI reply decoders and request encoders for the fixed-layout commands.
#include "amtcfg/amthi/codec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace amtcfg::amthi {

namespace {

void require_size(ByteView payload, std::size_t expected, std::string_view what) {
    if (payload.size() != expected) {
        throw DecodeError(
            fmt::format("{} payload has {} bytes, expected {}", what, payload.size(), expected));
    }
}

std::uint32_t single_u32(ByteView message, Command command) {
    ByteView payload = success_payload(message, command);
    require_size(payload, 4, command_name(command));
    return ByteReader(payload).u32le("value");
}

// A fixed-size field holding NUL-terminated text: everything before the first NUL.
std::string nul_terminated(ByteView field) {
    auto end = std::find(field.begin(), field.end(), std::uint8_t{0});
    return {field.begin(), end};
}

struct HashShape {
    HashAlgorithm algorithm;
    std::size_t size;
};

HashShape hash_shape(std::uint8_t wire, ByteView hash_field) {
    switch (wire) {
    case 0:
        return {HashAlgorithm::md5, 16};
    case 1:
        return {HashAlgorithm::sha1, 20};
    case 2:
        return {HashAlgorithm::sha256, 32};
    case 3: {
        // SHA-384 to newer rpc-go, SHA-512 to LMS/MeshAgent: a 48-byte digest leaves the last
        // 16 bytes of the 64-byte field zero, which a SHA-512 digest does with odds of 2^-128.
        bool tail_zero = std::all_of(hash_field.begin() + 48, hash_field.end(),
                                     [](std::uint8_t b) { return b == 0; });
        return tail_zero ? HashShape{HashAlgorithm::sha384, 48}
                         : HashShape{HashAlgorithm::sha512, 64};
    }
    case 4:
        return {HashAlgorithm::sha224, 28};
    case 5:
        return {HashAlgorithm::sha512, 64};
    default:
        throw DecodeError(fmt::format("unknown certificate hash algorithm {}", wire));
    }
}

// The u32-boolean layout (rpc-go, MeshAgent: 75 + n bytes) or LMS's one-byte-bool layout
// (69 + n bytes), told apart by where NameLen agrees with the payload's length.
std::size_t bool_width(ByteView payload) {
    auto name_len_matches = [&](std::size_t fixed) {
        if (payload.size() < fixed) {
            return false;
        }
        ByteReader r(payload.subspan(fixed - 2, 2));
        return r.u16le("NameLen") == payload.size() - fixed;
    };
    if (name_len_matches(75)) {
        return 4;
    }
    if (name_len_matches(69)) {
        return 1;
    }
    throw DecodeError(fmt::format("GetCertHashEntry payload of {} bytes matches no known layout",
                                  payload.size()));
}

} // namespace

std::string_view hash_algorithm_name(HashAlgorithm algorithm) {
    switch (algorithm) {
    case HashAlgorithm::md5:
        return "md5";
    case HashAlgorithm::sha1:
        return "sha1";
    case HashAlgorithm::sha256:
        return "sha256";
    case HashAlgorithm::sha384:
        return "sha384";
    case HashAlgorithm::sha224:
        return "sha224";
    case HashAlgorithm::sha512:
        return "sha512";
    }
    return "unknown";
}

Bytes encode_get_cert_hash_entry(std::uint32_t handle) {
    return encode_request(Command::get_cert_hash_entry, ByteWriter().u32le(handle).data());
}

Bytes encode_get_lan_interface_settings(LanInterfaceIndex index) {
    return encode_request(Command::get_lan_interface_settings,
                          ByteWriter().u32le(static_cast<std::uint32_t>(index)).data());
}

Bytes encode_get_local_system_account() {
    return encode_request(Command::get_local_system_account,
                          ByteWriter().zeros(k_account_request_size).data());
}

Bytes encode_unprovision(UnprovisionMode mode) {
    return encode_request(Command::unprovision,
                          ByteWriter().u32le(static_cast<std::uint32_t>(mode)).data());
}

Uuid decode_uuid(ByteView message) {
    ByteView payload = success_payload(message, Command::get_uuid);
    require_size(payload, 16, "GetUUID");
    Uuid uuid{};
    std::copy(payload.begin(), payload.end(), uuid.begin());
    return uuid;
}

ProvisioningState decode_provisioning_state(ByteView message) {
    auto value = single_u32(message, Command::get_provisioning_state);
    if (value > 2) {
        throw DecodeError(fmt::format("unknown provisioning state {}", value));
    }
    return static_cast<ProvisioningState>(value);
}

ControlMode decode_control_mode(ByteView message) {
    auto value = single_u32(message, Command::get_control_mode);
    if (value > 2) {
        throw DecodeError(fmt::format("unknown control mode {}", value));
    }
    return static_cast<ControlMode>(value);
}

std::string decode_dns_suffix(ByteView message) {
    ByteReader r(success_payload(message, Command::get_dns_suffix));
    auto length = r.u16le("Length");
    if (r.remaining() != length) {
        throw DecodeError(
            fmt::format("DNS suffix length {} but {} bytes follow", length, r.remaining()));
    }
    return r.string(length, "suffix");
}

std::vector<std::uint32_t> decode_hash_handles(ByteView message) {
    ByteReader r(success_payload(message, Command::enumerate_hash_handles));
    auto count = r.u32le("Count");
    if (r.remaining() / 4 != count || r.remaining() % 4 != 0) {
        throw DecodeError(
            fmt::format("{} hash handles announced, {} bytes follow", count, r.remaining()));
    }
    std::vector<std::uint32_t> handles;
    for (std::uint32_t i = 0; i < count; ++i) {
        handles.push_back(r.u32le("Handles"));
    }
    return handles;
}

CertHashEntry decode_cert_hash_entry(ByteView message) {
    ByteView payload = success_payload(message, Command::get_cert_hash_entry);
    std::size_t width = bool_width(payload);
    ByteReader r(payload);
    CertHashEntry entry;
    entry.is_default = width == 4 ? r.u32le("IsDefault") != 0 : r.u8("IsDefault") != 0;
    entry.is_active = width == 4 ? r.u32le("IsActive") != 0 : r.u8("IsActive") != 0;
    ByteView hash_field = r.bytes(k_cert_hash_size, "CertificateHash");
    HashShape shape = hash_shape(r.u8("HashAlgorithm"), hash_field);
    entry.algorithm = shape.algorithm;
    entry.hash.assign(hash_field.begin(), hash_field.begin() + static_cast<long>(shape.size));
    auto name_length = r.u16le("NameLen");
    entry.name = r.string(name_length, "Name");
    return entry;
}

LanInterface decode_lan_interface_settings(ByteView message) {
    ByteView payload = success_payload(message, Command::get_lan_interface_settings);
    require_size(payload, 20, "GetLANInterfaceSettings");
    ByteReader r(payload);
    LanInterface lan;
    lan.enabled = r.u32le("Enabled") != 0;
    lan.ipv4 = r.u32le("Ipv4Address");
    lan.dhcp_enabled = r.u32le("DhcpEnabled") != 0;
    lan.dhcp_mode = r.u8("DhcpIpMode");
    lan.link_up = r.u8("LinkStatus") == 1;
    ByteView mac = r.bytes(6, "MacAddress");
    std::copy(mac.begin(), mac.end(), lan.mac.begin());
    return lan;
}

LocalSystemAccount decode_local_system_account(ByteView message) {
    ByteView payload = success_payload(message, Command::get_local_system_account);
    // 66 bytes of fields; firmware pads to 68 (amthi.md section 4): accept both.
    if (payload.size() < 2 * k_account_field_size) {
        throw DecodeError(
            fmt::format("GetLocalSystemAccount payload has {} bytes, expected 66", payload.size()));
    }
    ByteReader r(payload);
    LocalSystemAccount account;
    account.username = nul_terminated(r.bytes(k_account_field_size, "Username"));
    account.password = Secret(nul_terminated(r.bytes(k_account_field_size, "Password")));
    return account;
}

AmtStatus decode_unprovision(ByteView message) {
    return decode_reply(message, Command::unprovision).status;
}

namespace {

constexpr std::uint8_t k_hbased_sha256 = 2;
constexpr std::uint8_t k_hbased_sha384 = 3;

std::size_t hbased_hash_size(HashAlgorithm algorithm) {
    return algorithm == HashAlgorithm::sha384 ? 48 : 32;
}

// The field as hex text of exactly 2 * size digits (NUL-terminated when shorter than the
// field), or nullopt when it is not that.
std::optional<Bytes> hex_text(ByteView field, std::size_t size) {
    auto end = std::find(field.begin(), field.end(), std::uint8_t{0});
    std::string_view text(reinterpret_cast<const char*>(field.data()),
                          static_cast<std::size_t>(end - field.begin()));
    if (text.size() != 2 * size) {
        return std::nullopt;
    }
    try {
        return from_hex(text);
    } catch (const DecodeError&) {
        return std::nullopt; // raw bytes that happen to have no NUL early
    }
}

} // namespace

Bytes encode_start_configuration_hbased(const HBasedHash& provisioning_leaf) {
    std::uint8_t wire = 0;
    if (provisioning_leaf.algorithm == HashAlgorithm::sha256) {
        wire = k_hbased_sha256;
    } else if (provisioning_leaf.algorithm == HashAlgorithm::sha384) {
        wire = k_hbased_sha384;
    } else {
        throw DecodeError(fmt::format("StartConfigurationHBased takes a SHA-256 or SHA-384 hash, "
                                      "not {}",
                                      hash_algorithm_name(provisioning_leaf.algorithm)));
    }
    if (provisioning_leaf.hash.size() != hbased_hash_size(provisioning_leaf.algorithm)) {
        throw DecodeError(fmt::format(
            "a {} hash has {} bytes, not {}", hash_algorithm_name(provisioning_leaf.algorithm),
            hbased_hash_size(provisioning_leaf.algorithm), provisioning_leaf.hash.size()));
    }
    ByteWriter w;
    w.u8(wire);
    w.bytes(provisioning_leaf.hash);
    w.zeros(k_cert_hash_size - provisioning_leaf.hash.size());
    w.u8(0);    // HostVPNEnable
    w.u32le(0); // SuffixListLen
    w.zeros(k_hbased_suffix_list_size);
    return encode_request(Command::start_configuration_hbased, w.data());
}

HBasedHash decode_start_configuration_hbased(ByteView message) {
    ByteView payload = success_payload(message, Command::start_configuration_hbased);
    if (payload.size() < 1 + k_cert_hash_size) {
        throw DecodeError(fmt::format("StartConfigurationHBased payload has {} bytes, expected {}",
                                      payload.size(), 1 + k_cert_hash_size));
    }
    ByteReader r(payload);
    std::uint8_t wire = r.u8("HashAlgorithm");
    ByteView field = r.bytes(k_cert_hash_size, "AMTCertHash");
    HBasedHash out;
    if (wire == k_hbased_sha384) {
        out.algorithm = HashAlgorithm::sha384;
    } else if (wire != k_hbased_sha256 && wire != 0) {
        throw DecodeError(fmt::format("StartConfigurationHBased names hash algorithm {}, not "
                                      "SHA-256 (2) or SHA-384 (3)",
                                      wire));
    }
    std::size_t size = hbased_hash_size(out.algorithm);
    if (auto decoded = hex_text(field, size)) {
        out.hash = std::move(*decoded);
    } else {
        out.hash.assign(field.begin(), field.begin() + static_cast<std::ptrdiff_t>(size));
    }
    return out;
}

AmtStatus decode_stop_configuration(ByteView message) {
    return decode_reply(message, Command::stop_configuration).status;
}

} // namespace amtcfg::amthi
