// MKHI firmware version and watchdog IsChangeToAMTEnabled codecs.
#include "amtcfg/amthi/mkhi.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

namespace amtcfg::amthi {

namespace {

constexpr std::size_t k_block_size = 8;

FirmwareVersionBlock read_block(ByteReader& r) {
    FirmwareVersionBlock b;
    b.minor = r.u16le("minor");
    b.major = r.u16le("major");
    b.build = r.u16le("buildNo");
    b.hotfix = r.u16le("hotFix");
    return b;
}

std::string_view mkhi_result_name(std::uint8_t result) {
    switch (result) {
    case 1:
        return "INTERNAL_ERROR";
    case 2:
        return "NOT_READY";
    case 3:
        return "INVALID_AMT_MODE";
    case 4:
        return "INVALID_MESSAGE_LENGTH";
    default:
        return "unknown";
    }
}

} // namespace

std::string FirmwareVersion::version() const {
    return fmt::format("{}.{}.{}", code.major, code.minor, code.hotfix);
}

Bytes encode_mkhi_get_fw_version() {
    return ByteWriter().u32le(k_mkhi_group_gen | (k_mkhi_get_fw_version << 8)).take();
}

FirmwareVersion decode_mkhi_fw_version(ByteView message) {
    ByteReader r(message);
    auto header = r.u32le("MKHI header");
    auto group = header & 0xFF;
    auto command = (header >> 8) & 0x7F;
    auto result = static_cast<std::uint8_t>(header >> 24);
    if (group != k_mkhi_group_gen || command != k_mkhi_get_fw_version ||
        (header & k_mkhi_is_response) == 0) {
        throw DecodeError(
            fmt::format("MKHI reply header {:#010x} is not a GetFwVersion reply", header));
    }
    if (result != 0) {
        throw Error(ErrorCategory::amt_unavailable,
                    fmt::format("the ME answered MKHI GetFwVersion with result {} {}", result,
                                mkhi_result_name(result)));
    }
    if (r.remaining() != 2 * k_block_size && r.remaining() != 3 * k_block_size) {
        throw DecodeError(fmt::format("MKHI GetFwVersion reply has {} version bytes, expected "
                                      "16 or 24",
                                      r.remaining()));
    }
    FirmwareVersion v;
    v.code = read_block(r);
    v.recovery = read_block(r);
    if (!r.at_end()) {
        v.fitc = read_block(r);
    }
    return v;
}

std::optional<bool> ChangeEnabled::amt_enabled() const {
    if (!new_interface()) {
        return std::nullopt;
    }
    return (flags & 0x02) != 0;
}

Bytes encode_is_change_to_amt_enabled() {
    return ByteWriter()
        .u8(k_wd_command)
        .u8(2)
        .u8(k_wd_is_change_to_amt_enabled)
        .u8(k_wd_version)
        .take();
}

Bytes encode_set_amt_operational_state(OperationalState state) {
    return ByteWriter()
        .u8(k_wd_command)
        .u8(3)
        .u8(k_wd_set_amt_operational_state)
        .u8(k_wd_version)
        .u8(static_cast<std::uint8_t>(state))
        .take();
}

std::uint32_t decode_set_amt_operational_state(ByteView message) {
    constexpr std::size_t k_size = 8; // header echo + u32 status
    if (message.size() != k_size) {
        throw DecodeError(fmt::format("SetAmtOperationalState reply has {} bytes, expected {}",
                                      message.size(), k_size));
    }
    ByteReader r(message);
    if (r.u8("Cmd") != k_wd_command || r.u8("ByteCount") != 3 ||
        r.u8("SubCmd") != k_wd_set_amt_operational_state || r.u8("Version") != k_wd_version) {
        throw DecodeError("SetAmtOperationalState reply does not echo the request's header");
    }
    return r.u32le("status");
}

ChangeEnabled decode_is_change_to_amt_enabled(ByteView message) {
    if (message.size() != 1) {
        throw DecodeError(
            fmt::format("IsChangeToAMTEnabled reply has {} bytes, expected 1", message.size()));
    }
    return ChangeEnabled{.flags = message[0]};
}

} // namespace amtcfg::amthi
