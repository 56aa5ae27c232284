// The `info` flow: what this AMT is and how it is configured, read over MEI (one message per
// fact) plus whether LMS and LME are reachable. Returns a result; never prints.
#pragma once

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/amthi/codec.hpp"
#include "amtcfg/http/lms_trust.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/deadline.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace amtcfg::flows {

// Whether LMS at address:port is trusted and answers (the real one is http::check_lms, which
// connects only to a listener owned by root).
using LmsProbe =
    std::function<http::LmsCheck(const http::LoopbackAddress& address, std::uint16_t port)>;

inline constexpr int k_lms_port = 16992;
inline constexpr int k_lms_tls_port = 16993;

struct InfoOptions {
    http::LoopbackAddress lms_address{http::AddressFamily::ipv4, {127, 0, 0, 1}, "127.0.0.1"};
    int lms_port = 0; // 0: 16992, or 16993 when AMT enforces TLS on its local ports
};

struct LanInfo {
    amthi::LanInterfaceIndex index = amthi::LanInterfaceIndex::wired;
    amthi::LanInterface settings;
};

struct InfoResult {
    std::string version; // "16.1.25"
    std::string build;   // "2051"
    std::string sku;     // "16392"
    std::vector<std::string> features;
    std::string uuid;
    amthi::ControlMode control_mode = amthi::ControlMode::pre_provisioning;
    amthi::ProvisioningState provisioning_state = amthi::ProvisioningState::pre;
    std::string dns_suffix; // empty when none is set
    bool tls_enforced = false;
    std::optional<bool> amt_enabled; // from the watchdog client, when it says
    bool amt_change_allowed = false; // the ME lets the OS enable or disable AMT
    std::vector<amthi::CertHashEntry> cert_hashes;
    std::vector<LanInfo> lan; // the interfaces AMT reports; no WLAN is not an error
    bool lms = false;         // a trusted LMS answers
    http::LmsCheck lms_check; // who listens there, and how that was decided
    std::string lms_address;  // as in a URL: "127.0.0.1", "[::1]"
    int lms_port = 0;
    bool lme = false;
    std::vector<std::string> warnings; // facts that could not be read but are not fatal
};

// Reads everything `amtcfg info` shows: one connection per ME client, one message per fact.
InfoResult read_info(mei::Device& device, const LmsProbe& lms_probe, const InfoOptions& options,
                     const Deadline& deadline);

// What the ME says about AMT (AMTHI; MKHI for a version AMTHI does not give; the watchdog
// client for TLS enforcement and the operational state): read_info without LMS and LME.
// `also` runs more AMTHI reads of the caller's in the same AMTHI connection (it is a
// single-instance client: each connection costs its own round trips).
InfoResult read_device_facts(mei::Device& device, const Deadline& deadline,
                             const std::function<void(amthi::Client&)>& also = {});

// The leading number of a version string ("16.1.25" -> 16); 0 when there is none.
int major_version(std::string_view version);

} // namespace amtcfg::flows
