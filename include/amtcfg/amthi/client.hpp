// Thin clients over the MEI seam: AMTHI commands, MKHI firmware version, watchdog flags.
#pragma once

#include "amtcfg/amthi/codec.hpp"
#include "amtcfg/amthi/mkhi.hpp"
#include "amtcfg/mei/connection.hpp"

#include <optional>

namespace amtcfg::amthi {

// How long one AMTHI reply may take; the firmware answers in milliseconds, but LMS allows
// seconds for a busy ME. Capped by the command's --timeout.
inline constexpr int k_reply_timeout_ms = 5000;

// One connection to the AMTHI client, made on the first call and kept for the run; one message
// per call. Malformed replies become Error(amt_unavailable) naming the command; a non-SUCCESS
// status is a StatusError (also amt_unavailable) unless the method returns the status.
class Client {
public:
    Client(mei::Device& device, const Deadline& deadline);

    CodeVersions get_code_versions();
    Uuid get_uuid();
    ProvisioningState get_provisioning_state();
    ControlMode get_control_mode();
    std::string get_dns_suffix();
    std::vector<std::uint32_t> enumerate_hash_handles();
    CertHashEntry get_cert_hash_entry(std::uint32_t handle);
    // Wired, or wireless; nullopt when AMT answers the index with a non-SUCCESS status (there is
    // no such interface, e.g. no WLAN).
    std::optional<LanInterface> get_lan_interface_settings(LanInterfaceIndex index);
    LocalSystemAccount get_local_system_account();
    // Returns AMT's status: SUCCESS, or why AMT refused (INVALID_PT_MODE in ACM). Never resent
    // after a firmware reset, since it may already have taken effect.
    AmtStatus unprovision(UnprovisionMode mode);
    // Secure Host-Based Configuration: puts AMT "in provisioning" for the provisioning leaf
    // certificate hashed in `provisioning_leaf`, and returns the hash of AMT's own TLS leaf.
    // Never resent after a firmware reset.
    HBasedHash start_configuration_hbased(const HBasedHash& provisioning_leaf);
    // Ends provisioning that did not complete: back to pre-provisioning. Returns AMT's status.
    AmtStatus stop_configuration();

private:
    template <typename Decode>
    auto call(Command command, ByteView request, Decode decode, mei::Retry retry);

    mei::Connection m_connection;
};

// The MKHI client: the firmware version, for when GetCodeVersions is unavailable.
class MkhiClient {
public:
    MkhiClient(mei::Device& device, const Deadline& deadline);
    FirmwareVersion get_firmware_version();

private:
    mei::Connection m_connection;
};

// The watchdog ("Manageability") client's IsChangeToAMTEnabled. AMT <= 11 does not answer it
// (it times out), so callers skip it there and tolerate a timeout anyway.
class WatchdogClient {
public:
    // `timeout_ms` bounds the wait for the reply: short, because old firmware never answers.
    WatchdogClient(mei::Device& device, const Deadline& deadline, int timeout_ms);
    // nullopt when the firmware does not answer in time.
    std::optional<ChangeEnabled> is_change_to_amt_enabled();
    // AMT's status: SUCCESS, NOT_PERMITTED when the ME forbids the change, or
    // INVALID_PROVISIONING_STATE when AMT is provisioned. Ask only when IsChangeToAMTEnabled
    // reports the new interface (bit 7): older firmware never answers.
    std::uint32_t set_amt_operational_state(OperationalState state);

private:
    mei::Connection m_connection;
    int m_timeout_ms;
};

} // namespace amtcfg::amthi
