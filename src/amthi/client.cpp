// The AMTHI, MKHI and watchdog clients: one connection each, one message per fact.
#include "amtcfg/amthi/client.hpp"

#include "amtcfg/util/secret.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::amthi {

namespace {

// A reply may hold a secret (GetLocalSystemAccount): overwrite it before the buffer is freed
// (OPENSSL_cleanse, which the compiler cannot drop as a dead store).
struct WipedBytes {
    Bytes bytes;
    ~WipedBytes() { wipe_bytes(bytes); }
};

Error malformed(std::string_view what, const DecodeError& e) {
    return Error(ErrorCategory::amt_unavailable,
                 fmt::format("malformed reply from AMT to {}: {} (the firmware may be "
                             "unsupported; update it or report this)",
                             what, e.what()));
}

} // namespace

Client::Client(mei::Device& device, const Deadline& deadline)
    : m_connection(device, mei::k_amthi, deadline) {}

template <typename Decode>
auto Client::call(Command command, ByteView request, Decode decode, mei::Retry retry) {
    WipedBytes reply{m_connection.transact(request, k_reply_timeout_ms, retry)};
    try {
        return decode(ByteView(reply.bytes));
    } catch (const DecodeError& e) {
        throw malformed(command_name(command), e);
    }
}

CodeVersions Client::get_code_versions() {
    return call(Command::get_code_versions, encode_request(Command::get_code_versions),
                decode_code_versions, mei::Retry::after_reset);
}

Uuid Client::get_uuid() {
    return call(Command::get_uuid, encode_request(Command::get_uuid), decode_uuid,
                mei::Retry::after_reset);
}

ProvisioningState Client::get_provisioning_state() {
    return call(Command::get_provisioning_state, encode_request(Command::get_provisioning_state),
                decode_provisioning_state, mei::Retry::after_reset);
}

ControlMode Client::get_control_mode() {
    return call(Command::get_control_mode, encode_request(Command::get_control_mode),
                decode_control_mode, mei::Retry::after_reset);
}

std::string Client::get_dns_suffix() {
    return call(Command::get_dns_suffix, encode_request(Command::get_dns_suffix), decode_dns_suffix,
                mei::Retry::after_reset);
}

std::vector<std::uint32_t> Client::enumerate_hash_handles() {
    return call(Command::enumerate_hash_handles, encode_request(Command::enumerate_hash_handles),
                decode_hash_handles, mei::Retry::after_reset);
}

CertHashEntry Client::get_cert_hash_entry(std::uint32_t handle) {
    return call(Command::get_cert_hash_entry, encode_get_cert_hash_entry(handle),
                decode_cert_hash_entry, mei::Retry::after_reset);
}

std::optional<LanInterface> Client::get_lan_interface_settings(LanInterfaceIndex index) {
    try {
        return call(Command::get_lan_interface_settings, encode_get_lan_interface_settings(index),
                    decode_lan_interface_settings, mei::Retry::after_reset);
    } catch (const StatusError&) {
        return std::nullopt; // AMT's way of saying there is no such interface
    }
}

LocalSystemAccount Client::get_local_system_account() {
    return call(Command::get_local_system_account, encode_get_local_system_account(),
                decode_local_system_account, mei::Retry::after_reset);
}

AmtStatus Client::unprovision(UnprovisionMode mode) {
    return call(Command::unprovision, encode_unprovision(mode), decode_unprovision,
                mei::Retry::never);
}

HBasedHash Client::start_configuration_hbased(const HBasedHash& provisioning_leaf) {
    Bytes request;
    try {
        request = encode_start_configuration_hbased(provisioning_leaf);
    } catch (const DecodeError& e) {
        throw Error(ErrorCategory::internal, e.what());
    }
    return call(Command::start_configuration_hbased, request, decode_start_configuration_hbased,
                mei::Retry::never);
}

AmtStatus Client::stop_configuration() {
    return call(Command::stop_configuration, encode_request(Command::stop_configuration),
                decode_stop_configuration, mei::Retry::never);
}

MkhiClient::MkhiClient(mei::Device& device, const Deadline& deadline)
    : m_connection(device, mei::k_mkhi, deadline) {}

FirmwareVersion MkhiClient::get_firmware_version() {
    Bytes reply = m_connection.transact(encode_mkhi_get_fw_version(), k_reply_timeout_ms,
                                        mei::Retry::after_reset);
    try {
        return decode_mkhi_fw_version(reply);
    } catch (const DecodeError& e) {
        throw malformed("MKHI GetFwVersion", e);
    }
}

WatchdogClient::WatchdogClient(mei::Device& device, const Deadline& deadline, int timeout_ms)
    : m_connection(device, mei::k_watchdog, deadline), m_timeout_ms(timeout_ms) {}

std::uint32_t WatchdogClient::set_amt_operational_state(OperationalState state) {
    // Not resent after a firmware reset: the change may already have been made.
    Bytes reply = m_connection.transact(encode_set_amt_operational_state(state), m_timeout_ms,
                                        mei::Retry::never);
    try {
        return decode_set_amt_operational_state(reply);
    } catch (const DecodeError& e) {
        throw malformed("SetAmtOperationalState", e);
    }
}

std::optional<ChangeEnabled> WatchdogClient::is_change_to_amt_enabled() {
    Bytes reply;
    try {
        reply = m_connection.transact(encode_is_change_to_amt_enabled(), m_timeout_ms,
                                      mei::Retry::after_reset);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::timed_out) {
            throw;
        }
        return std::nullopt; // AMT <= 11 never answers this command
    }
    try {
        return decode_is_change_to_amt_enabled(reply);
    } catch (const DecodeError& e) {
        throw malformed("IsChangeToAMTEnabled", e);
    }
}

} // namespace amtcfg::amthi
