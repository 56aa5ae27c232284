// The default simulated device and its derived tables.
#include "device.hpp"

#include <cctype>
#include <stdexcept>

namespace amtcfg::sim {

DeviceState default_device() {
    DeviceState device;
    // Real roots (SHA-256 of the DER certificates Debian's ca-certificates ships).
    device.cert_hashes = {
        {"DigiCert Global Root CA", "sha256",
         "4348a0e9444c78cb265e058d5e8944b4d84f9662bd26db257f8934a443c70161", true, true},
        {"DigiCert Global Root G2", "sha256",
         "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f", true, true},
        {"Go Daddy Root Certificate Authority - G2", "sha256",
         "45140b3247eb9cc8c5b4f0d7b53091f73292089e6e5a63e2749dd3aca9198eda", true, false},
    };
    device.lan = {{"wired", true, true, "passive", true, "192.168.10.20", "a4:bb:6d:12:34:56"}};
    reset_instances(device.wsman);
    default_power_schemes(device.wsman);
    return device;
}

// wsman.md section 9: unprovisioning deletes user-added hashes; the rest is factory defaults.
void unprovision_device(DeviceState& state) {
    state.control_mode = 0;
    state.provisioning_state = 0;
    state.wsman.admin_ha1.clear();
    state.admin_password.clear();
    state.wsman.users.clear();
    std::erase_if(state.cert_hashes, [](const CertHash& hash) { return !hash.is_default; });
    reset_instances(state.wsman);
    // Keys, certificates, context, TLS off; the test knob stays.
    auto pregenerated = std::move(state.wsman.certificates.pregenerated_keys);
    state.wsman.certificates = CertificateStore{};
    state.wsman.certificates.pregenerated_keys = std::move(pregenerated);
    state.shbc = ShbcContext{};
}

int amt_major(const DeviceState& device) {
    int major = 0;
    for (char c : device.amt_version) {
        if (c < '0' || c > '9')
            break;
        major = major * 10 + (c - '0');
    }
    return major;
}

std::array<std::uint8_t, 16> uuid_wire_bytes(const std::string& uuid) {
    static constexpr std::array<std::size_t, 16> k_printed_position = {
        3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    std::string hex;
    for (std::size_t i = 0; i < uuid.size(); ++i) {
        bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_here != (uuid[i] == '-') ||
            (!dash_here && !std::isxdigit(static_cast<unsigned char>(uuid[i])))) {
            throw std::runtime_error("uuid '" + uuid + "' is not of the form 8-4-4-4-12 hex");
        }
        if (!dash_here)
            hex += uuid[i];
    }
    if (uuid.size() != 36) {
        throw std::runtime_error("uuid '" + uuid + "' is not of the form 8-4-4-4-12 hex");
    }
    std::array<std::uint8_t, 16> wire{};
    for (std::size_t i = 0; i < 16; ++i) {
        auto printed = static_cast<std::uint8_t>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
        wire[k_printed_position[i]] = printed;
    }
    return wire;
}

std::uint32_t ipv4_value(const std::string& ip) {
    if (ip.empty())
        return 0;
    std::uint32_t value = 0;
    std::size_t start = 0;
    for (int octet = 0; octet < 4; ++octet) {
        std::size_t end = octet == 3 ? ip.size() : ip.find('.', start);
        std::string part = ip.substr(start, end == std::string::npos ? end : end - start);
        if (end == std::string::npos || part.empty() || part.size() > 3 ||
            part.find_first_not_of("0123456789") != std::string::npos || std::stoi(part) > 255) {
            throw std::runtime_error("'" + ip + "' is not a dotted-quad IPv4 address");
        }
        value = (value << 8) | static_cast<std::uint32_t>(std::stoi(part));
        start = end + 1;
    }
    return value;
}

std::array<std::uint8_t, 6> mac_bytes(const std::string& mac) {
    std::array<std::uint8_t, 6> bytes{};
    bool ok = mac.size() == 17;
    for (std::size_t i = 0; ok && i < 6; ++i) {
        std::string pair = mac.substr(i * 3, 2);
        ok = std::isxdigit(static_cast<unsigned char>(pair[0])) &&
             std::isxdigit(static_cast<unsigned char>(pair[1])) &&
             (i == 5 || mac[i * 3 + 2] == ':' || mac[i * 3 + 2] == '-');
        if (ok)
            bytes[i] = static_cast<std::uint8_t>(std::stoi(pair, nullptr, 16));
    }
    if (!ok) {
        throw std::runtime_error("'" + mac + "' is not a MAC address like aa:bb:cc:dd:ee:ff");
    }
    return bytes;
}

std::vector<CodeVersion> code_version_table(const DeviceState& device) {
    std::vector<CodeVersion> table = {
        {"Flash", device.amt_version},
        {"Netstack", device.amt_version},
        {"AMTApps", device.amt_version},
        {"AMT", device.amt_version},
        {"Sku", device.sku},
        {"VendorID", "8086"},
        {"Build Number", device.build},
        {"Recovery Version", device.amt_version},
        {"Recovery Build Num", device.build},
        {"Legacy Mode", "False"},
    };
    for (const auto& extra : device.code_versions) {
        bool replaced = false;
        for (auto& row : table) {
            if (row.description == extra.description) {
                row.version = extra.version;
                replaced = true;
            }
        }
        if (!replaced) {
            table.push_back(extra);
        }
    }
    return table;
}

} // namespace amtcfg::sim
