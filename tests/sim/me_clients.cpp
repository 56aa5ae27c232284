// MKHI firmware version and the watchdog client's operational-state commands.
#include "me_clients.hpp"

#include <stdexcept>

namespace amtcfg::sim {

namespace {

// MKHI (mei-heci.md section 6).
constexpr std::uint8_t k_mkhi_group_gen = 0xFF;
constexpr std::uint8_t k_mkhi_get_fw_version = 0x02;
constexpr std::uint32_t k_mkhi_is_response = 0x8000;
constexpr std::uint8_t k_mkhi_internal_error = 1;
constexpr std::uint8_t k_mkhi_invalid_message_length = 4;

// Watchdog client (mei-heci.md section 5).
constexpr std::uint8_t k_wd_cmd = 0x05;
constexpr std::uint8_t k_wd_version = 0x10;
constexpr std::uint8_t k_wd_is_change_enabled = 0x51;
constexpr std::uint8_t k_wd_set_operational_state = 0x53;
constexpr std::uint8_t k_bit_transition_allowed = 1 << 0;
constexpr std::uint8_t k_bit_amt_enabled = 1 << 1;
constexpr std::uint8_t k_bit_cira_periodic_fix = 1 << 5;
constexpr std::uint8_t k_bit_tls_enforced = 1 << 6;
constexpr std::uint8_t k_bit_new_interface = 1 << 7;
constexpr std::uint32_t k_status_not_permitted = 0x10;
constexpr std::uint32_t k_status_invalid_provisioning_state = 0x20;
constexpr std::uint32_t k_status_invalid_parameter = 0x24;

std::uint16_t version_part(const std::string& version, std::size_t index) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < index && start != std::string::npos; ++i) {
        start = version.find('.', start);
        start = start == std::string::npos ? start : start + 1;
    }
    if (start == std::string::npos)
        return 0;
    try {
        return static_cast<std::uint16_t>(std::stoul(version.substr(start)));
    } catch (const std::logic_error&) {
        return 0;
    }
}

} // namespace

Bytes mkhi_respond(const DeviceState& device, ByteView request) {
    std::uint32_t header = 0;
    if (request.size() >= 4) {
        header = ByteReader(request).u32le("MKHI header");
    }
    auto group = static_cast<std::uint8_t>(header & 0xFF);
    auto command = static_cast<std::uint8_t>((header >> 8) & 0x7F);
    std::uint8_t result = 0;
    if (request.size() != 4) {
        result = k_mkhi_invalid_message_length;
    } else if (group != k_mkhi_group_gen || command != k_mkhi_get_fw_version) {
        result = k_mkhi_internal_error; // the simulator implements GET_FW_VERSION only
    }
    ByteWriter out;
    out.u32le(group | (static_cast<std::uint32_t>(command) << 8) | k_mkhi_is_response |
              (static_cast<std::uint32_t>(result) << 24));
    if (result != 0)
        return out.take();
    std::uint16_t build = version_part(device.build, 0);
    for (int block = 0; block < 3; ++block) { // code, NFTP (recovery), FITC
        out.u16le(version_part(device.amt_version, 1)).u16le(version_part(device.amt_version, 0));
        out.u16le(build).u16le(version_part(device.amt_version, 2));
    }
    return out.take();
}

std::uint8_t change_enabled_flags(const DeviceState& d) {
    const Watchdog& w = d.watchdog;
    return static_cast<std::uint8_t>((w.transition_allowed ? k_bit_transition_allowed : 0) |
                                     (w.amt_enabled ? k_bit_amt_enabled : 0) |
                                     (w.cira_periodic_fix ? k_bit_cira_periodic_fix : 0) |
                                     (d.tls_enforced ? k_bit_tls_enforced : 0) |
                                     (w.new_interface ? k_bit_new_interface : 0));
}

std::optional<Bytes> watchdog_respond(DeviceModel& device, ByteView request) {
    auto snapshot = device.read([](const DeviceState& d) { return d.watchdog; });
    if (snapshot.no_reply || request.size() < 4 || request[0] != k_wd_cmd ||
        request[3] != k_wd_version || request[1] != request.size() - 2) {
        return std::nullopt;
    }
    if (request[2] == k_wd_is_change_enabled && request.size() == 4) {
        return Bytes{device.read(change_enabled_flags)};
    }
    if (request[2] != k_wd_set_operational_state || request.size() != 5 ||
        !snapshot.new_interface) {
        return std::nullopt;
    }
    std::uint32_t status = 0;
    std::uint8_t wanted = request[4];
    if (wanted > 1) {
        status = k_status_invalid_parameter;
    } else if (!snapshot.transition_allowed) {
        status = k_status_not_permitted;
    } else if (device.read([](const DeviceState& d) { return d.provisioning_state != 0; })) {
        status = k_status_invalid_provisioning_state; // only while unprovisioned (Intel SDK)
    } else {
        device.modify([&](DeviceState& d) { d.watchdog.amt_enabled = wanted == 1; });
    }
    ByteWriter out;
    out.bytes(request.first(4)).u32le(status);
    return out.take();
}

} // namespace amtcfg::sim
