// AMTHI framing: the request header, the reply checks, and the tables of names.
#include "amtcfg/amthi/protocol.hpp"

#include "amtcfg/util/amt_status.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace amtcfg::amthi {

namespace {

constexpr std::array<std::pair<Command, std::string_view>, 17> k_command_names{{
    {Command::get_provisioning_mode, "GetProvisioningMode"},
    {Command::unprovision, "Unprovision"},
    {Command::get_provisioning_state, "GetProvisioningState"},
    {Command::get_code_versions, "GetCodeVersions"},
    {Command::start_configuration, "StartConfiguration"},
    {Command::get_provisioning_tls_mode, "GetProvisioningTLSMode"},
    {Command::enumerate_hash_handles, "EnumerateHashHandles"},
    {Command::get_cert_hash_entry, "GetCertHashEntry"},
    {Command::set_dns_suffix, "SetDnsSuffix"},
    {Command::get_zero_touch_enabled, "GetZeroTouchEnabled"},
    {Command::get_dns_suffix, "GetDNSSuffix"},
    {Command::get_lan_interface_settings, "GetLANInterfaceSettings"},
    {Command::get_uuid, "GetUUID"},
    {Command::stop_configuration, "StopConfiguration"},
    {Command::get_local_system_account, "GetLocalSystemAccount"},
    {Command::get_control_mode, "GetControlMode"},
    {Command::start_configuration_hbased, "StartConfigurationHBased"},
}};

std::string status_hint(AmtStatus status) {
    if (status == k_status_not_ready) {
        return " (AMT is still starting; retry in a minute)";
    }
    if (status == k_status_invalid_pt_mode) {
        return " (AMT is in the wrong mode for this request)";
    }
    return "";
}

} // namespace

std::string_view command_name(Command command) {
    for (const auto& [code, name] : k_command_names) {
        if (code == command) {
            return name;
        }
    }
    return "unknown AMTHI command";
}

std::string_view status_name(AmtStatus status) {
    // One table for AMTHI statuses and WS-Man PT_STATUS values (util/amt_status.cpp).
    auto name = amt_status_name(status);
    return name == "UNKNOWN" ? std::string_view{} : name;
}

std::string describe_status(AmtStatus status) {
    auto name = status_name(status);
    return name.empty() ? fmt::format("{:#x}", status) : fmt::format("{:#x} {}", status, name);
}

StatusError::StatusError(Command command, AmtStatus status)
    : Error(ErrorCategory::amt_unavailable,
            fmt::format("AMT answered {} with status {}{}", command_name(command),
                        describe_status(status), status_hint(status))),
      m_command(command), m_status(status) {}

Bytes encode_request(Command command, ByteView payload) {
    ByteWriter w;
    w.u8(k_version_major).u8(k_version_minor).u16le(0);
    w.u32le(static_cast<std::uint32_t>(command));
    w.u32le(static_cast<std::uint32_t>(payload.size()));
    w.bytes(payload);
    return w.take();
}

Reply decode_reply(ByteView message, Command command) {
    if (message.size() < k_reply_header_size) {
        throw DecodeError(
            fmt::format("reply of {} bytes is shorter than the 16-byte header", message.size()));
    }
    ByteReader r(message);
    auto major = r.u8("Version.MajorNumber");
    auto minor = r.u8("Version.MinorNumber");
    r.skip(2, "Reserved");
    if (major != k_version_major || minor < k_version_minor) {
        throw DecodeError(
            fmt::format("unsupported AMTHI version {}.{} (expected 1.1)", major, minor));
    }
    auto expected = static_cast<std::uint32_t>(command) | k_response_flag;
    auto code = r.u32le("Command");
    if (code != expected) {
        throw DecodeError(
            fmt::format("reply is for command {:#010x}, expected {:#010x}", code, expected));
    }
    auto length = r.u32le("Length");
    if (length != message.size() - k_header_size) {
        throw DecodeError(fmt::format("Length field says {} bytes, the reply has {}", length,
                                      message.size() - k_header_size));
    }
    Reply reply;
    reply.status = r.u32le("AMT_STATUS");
    reply.payload = r.rest();
    return reply;
}

ByteView success_payload(ByteView message, Command command) {
    Reply reply = decode_reply(message, command);
    if (reply.status != k_status_success) {
        throw StatusError(command, reply.status);
    }
    return reply.payload;
}

} // namespace amtcfg::amthi
