// Building, checking and showing setup.bin entry values.
#include "amtcfg/psk/setupbin_values.hpp"

#include "amtcfg/psk/pid_pps.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace amtcfg::psk {

namespace {

constexpr std::size_t k_guid_bytes = 16;
constexpr std::size_t k_max_cert_name = 32;
constexpr std::uint16_t k_default_port = 9971; // MeshCentral's and Intel SCS's default

std::size_t fixed_size(ValueKind kind) {
    switch (kind) {
    case ValueKind::u8:
        return 1;
    case ValueKind::u16:
        return 2;
    case ValueKind::u32:
    case ValueKind::ipv4:
        return 4;
    case ValueKind::guid:
        return k_guid_bytes;
    default:
        return 0;
    }
}

std::uint32_t number_of(ByteView value) {
    std::uint32_t n = 0;
    for (std::size_t i = value.size(); i > 0; --i) {
        n = (n << 8) | value[i - 1];
    }
    return n;
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return n;
}

std::uint32_t type_max(ValueKind kind) {
    return kind == ValueKind::u8 ? 0xFFU : kind == ValueKind::u16 ? 0xFFFFU : 0xFFFFFFFFU;
}

std::string choice_list(const VariableSpec& spec) {
    std::string names;
    for (const auto& c : spec.choices) {
        names += (names.empty() ? "" : ", ") + std::string(c.name);
    }
    return names;
}

std::uint32_t parse_numeric_setting(const VariableSpec& spec, std::string_view text) {
    for (const auto& c : spec.choices) {
        if (text == c.name) {
            return c.value;
        }
    }
    auto n = parse_number(text);
    std::uint32_t max =
        spec.limit != 0 ? static_cast<std::uint32_t>(spec.limit) : type_max(spec.kind);
    if (!spec.choices.empty() || !n || *n > max) {
        throw Error(ErrorCategory::usage,
                    spec.choices.empty()
                        ? fmt::format("{} takes a number from 0 to {}", spec.option, max)
                        : fmt::format("{} takes one of: {}", spec.option, choice_list(spec)));
    }
    return *n;
}

Bytes little_endian(std::uint32_t value, std::size_t size) {
    Bytes out;
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
    return out;
}

Entry bytes_entry(VarId var, ByteView bytes) {
    return Entry{var, Secret(std::string(bytes.begin(), bytes.end()))};
}

bool printable(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

std::string show_cert_hash(ByteView v) {
    static constexpr std::array<std::string_view, 4> names{"?", "SHA-1", "SHA-256", "SHA-384"};
    if (v.empty()) {
        return "(empty)";
    }
    std::size_t hash_size = v[0] == 1 ? 20 : v[0] == 2 ? 32 : v[0] == 3 ? 48 : 0;
    if (hash_size == 0 || v.size() < 2 + hash_size) {
        return to_hex(v);
    }
    std::string name(v.begin() + static_cast<std::ptrdiff_t>(2 + hash_size), v.end());
    return fmt::format("{} {} \"{}\"", names[v[0]], to_hex(v.subspan(1, hash_size)), name);
}

} // namespace

Entry make_text_entry(VarId var, std::string_view text) {
    return Entry{var, Secret(std::string(text))};
}

void require_version(const VariableSpec& spec, SetupBinVersion version, std::string_view what) {
    if (version < spec.since) {
        throw Error(ErrorCategory::usage,
                    fmt::format("{} needs setup.bin version {} or later (variable {}.{}, {}); "
                                "this file is version {}",
                                what, version_info(spec.since).name, spec.var.module, spec.var.id,
                                spec.title, version_info(version).name));
    }
}

Entry make_setting(const VariableSpec& spec, std::string_view text, SetupBinVersion version) {
    require_version(spec, version, spec.option);
    switch (spec.kind) {
    case ValueKind::u8:
    case ValueKind::u16:
    case ValueKind::u32:
        return bytes_entry(spec.var,
                           little_endian(parse_numeric_setting(spec, text), fixed_size(spec.kind)));
    case ValueKind::guid: {
        auto guid = parse_guid(text);
        if (!guid) {
            throw Error(ErrorCategory::usage,
                        fmt::format("{} takes a GUID such as 46732273-DC23-2F43-A98A-13D37982D855",
                                    spec.option));
        }
        return bytes_entry(spec.var, *guid);
    }
    default:
        break;
    }
    if (text.empty() || text.size() > spec.limit || !printable(text)) {
        throw Error(ErrorCategory::usage, fmt::format("{} takes 1 to {} printable ASCII characters",
                                                      spec.option, spec.limit));
    }
    return make_text_entry(spec.var, text);
}

Entry make_cert_hash(std::string_view hex, std::string_view name, SetupBinVersion version) {
    Bytes hash;
    try {
        hash = from_hex(hex);
    } catch (const DecodeError&) {
        throw Error(ErrorCategory::usage, "--cert-hash takes the hash in hex (no separators)");
    }
    std::uint8_t algorithm = hash.size() == 20   ? 1
                             : hash.size() == 32 ? 2
                             : hash.size() == 48 ? 3
                                                 : 0;
    if (algorithm == 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--cert-hash has {} bytes; a SHA-1, SHA-256 or SHA-384 hash has "
                                "20, 32 or 48",
                                hash.size()));
    }
    if (algorithm > 1 && version < SetupBinVersion::v3_0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("a SHA-256 or SHA-384 --cert-hash needs setup.bin version 3 or "
                                "later; version {} carries only SHA-1 hashes",
                                version_info(version).name));
    }
    if (name.empty() || name.size() > k_max_cert_name || !printable(name)) {
        throw Error(ErrorCategory::usage,
                    "--cert-hash-name takes 1 to 32 printable ASCII characters");
    }
    ByteWriter w;
    w.u8(algorithm).bytes(hash).u8(static_cast<std::uint8_t>(name.size())).string(name);
    return bytes_entry(vars::user_cert_add, w.data());
}

std::vector<Entry> make_provisioning_server(std::string_view text, SetupBinVersion version) {
    require_version(*find_variable(vars::provisioning_server_address), version,
                    "--provisioning-server");
    auto colon = text.find(':');
    std::string_view address = text.substr(0, colon);
    std::uint32_t port = k_default_port;
    if (colon != std::string_view::npos) {
        auto parsed = parse_number(text.substr(colon + 1));
        if (!parsed || *parsed == 0 || *parsed > 0xFFFF) {
            throw Error(ErrorCategory::usage, "--provisioning-server port must be 1 to 65535");
        }
        port = *parsed;
    }
    Bytes octets;
    while (!address.empty() || octets.size() < 4) {
        auto dot = address.find('.');
        auto octet = parse_number(address.substr(0, dot));
        if (!octet || *octet > 255 || octets.size() == 4) {
            throw Error(ErrorCategory::usage,
                        "--provisioning-server takes an IPv4 address A.B.C.D[:PORT] (setup.bin "
                        "stores the address as four bytes, not a name)");
        }
        octets.insert(octets.begin(), static_cast<std::uint8_t>(*octet));
        bool last = dot == std::string_view::npos;
        address = last ? std::string_view() : address.substr(dot + 1);
        if (!last && address.empty()) {
            address = "."; // a trailing dot: make the next round refuse it
        }
    }
    std::vector<Entry> entries;
    entries.push_back(bytes_entry(vars::provisioning_server_address, octets));
    entries.push_back(bytes_entry(vars::provisioning_server_port, little_endian(port, 2)));
    return entries;
}

std::string format_guid(ByteView b) {
    if (b.size() != k_guid_bytes) {
        return to_hex(b);
    }
    std::string text = fmt::format("{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{}-{}", b[3],
                                   b[2], b[1], b[0], b[5], b[4], b[7], b[6],
                                   to_hex(b.subspan(8, 2)), to_hex(b.subspan(10, 6)));
    for (auto& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return text;
}

std::optional<Bytes> parse_guid(std::string_view text) {
    if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
        text[23] != '-') {
        return std::nullopt;
    }
    std::string hex;
    for (char c : text) {
        if (c != '-') {
            hex.push_back(c);
        }
    }
    if (hex.size() != 2 * k_guid_bytes) {
        return std::nullopt; // more dashes than the four: fewer than 16 bytes to read below
    }
    Bytes raw;
    try {
        raw = from_hex(hex);
    } catch (const DecodeError&) {
        return std::nullopt;
    }
    // bytes_le: the first three groups are little-endian.
    return Bytes{raw[3], raw[2], raw[1],  raw[0],  raw[5],  raw[4],  raw[7],  raw[6],
                 raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]};
}

std::optional<std::string> value_problem(const VariableSpec& spec, ByteView value) {
    std::size_t size = fixed_size(spec.kind);
    if (size != 0 && value.size() != size) {
        return fmt::format("has {} bytes; a {} value has {}", value.size(), spec.title, size);
    }
    if (size == 0 && spec.kind != ValueKind::cert_hash && value.size() > spec.limit) {
        return fmt::format("has {} bytes; at most {} are allowed", value.size(), spec.limit);
    }
    if (spec.kind == ValueKind::u8 || spec.kind == ValueKind::u16 || spec.kind == ValueKind::u32) {
        std::uint32_t n = number_of(value);
        bool known = spec.choices.empty();
        for (const auto& c : spec.choices) {
            known = known || c.value == n;
        }
        if (!known || (spec.choices.empty() && spec.limit != 0 && n > spec.limit)) {
            return fmt::format("has the value {}, which is not one of the defined values", n);
        }
    }
    return std::nullopt;
}

std::string show_value(const Entry& entry, SecretDisplay display) {
    const std::string& raw = entry.value.reveal();
    ByteView v = as_bytes(raw);
    const VariableSpec* spec = find_variable(entry.var);
    if (spec == nullptr) {
        return to_hex(v);
    }
    if (spec->sensitivity == Sensitivity::secret && display == SecretDisplay::hide) {
        return fmt::format("(hidden, {} characters)", raw.size());
    }
    if (value_problem(*spec, v) && spec->kind != ValueKind::text) {
        return to_hex(v);
    }
    switch (spec->kind) {
    case ValueKind::u8:
    case ValueKind::u16:
    case ValueKind::u32: {
        std::uint32_t n = number_of(v);
        for (const auto& c : spec->choices) {
            if (c.value == n) {
                return fmt::format("{} ({})", c.name, n);
            }
        }
        return std::to_string(n);
    }
    case ValueKind::guid:
        return format_guid(v);
    case ValueKind::ipv4:
        return fmt::format("{}.{}.{}.{}", v[3], v[2], v[1], v[0]);
    case ValueKind::cert_hash:
        return show_cert_hash(v);
    case ValueKind::opaque:
        return to_hex(v);
    case ValueKind::text:
        break;
    }
    if (!printable(raw)) {
        return "hex " + to_hex(v);
    }
    if (entry.var == vars::pid) {
        return display_pid(raw);
    }
    return entry.var == vars::pps ? display_pps(raw) : raw;
}

} // namespace amtcfg::psk
