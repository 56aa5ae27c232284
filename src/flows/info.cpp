// The `info` flow: AMTHI facts, the watchdog's flags, the LME client and the LMS port.
#include "amtcfg/flows/info.hpp"

#include "amtcfg/amthi/client.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace amtcfg::flows {

namespace {

// rpc-go waits 2 s for the watchdog; it answers at once when it answers at all.
constexpr int k_watchdog_timeout_ms = 2000;
// AMT 11 and older never answer IsChangeToAMTEnabled (mei-heci.md section 5).
constexpr int k_first_watchdog_major = 12;

void decode_sku(InfoResult& result) {
    std::uint32_t sku = 0;
    const char* end = result.sku.data() + result.sku.size();
    if (std::from_chars(result.sku.data(), end, sku).ptr == end && !result.sku.empty()) {
        result.features = amthi::decode_sku_features(sku, major_version(result.version));
    }
}

// GetCodeVersions, or an empty version with a warning when AMT answers it with a failure or
// garbage: LMS then asks MKHI instead (mei-heci.md section 6), which read_info does once AMTHI
// is released. A missing "AMT" entry is an answer, not a failure: this ME has no AMT.
void read_versions(amthi::Client& amthi, InfoResult& result) {
    std::optional<amthi::CodeVersions> versions;
    try {
        versions = amthi.get_code_versions();
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::amt_unavailable) {
            throw;
        }
        result.warnings.push_back(fmt::format(
            "{}; the version is MKHI's firmware version and the SKU is unknown", e.what()));
        return;
    }
    auto version = versions->find("AMT");
    if (!version || version->empty()) {
        throw Error(ErrorCategory::amt_unavailable,
                    "AMT reported no \"AMT\" entry in GetCodeVersions (this ME has no AMT, or "
                    "its firmware is not supported)");
    }
    result.version = *version;
    result.build = versions->find("Build Number").value_or("");
    result.sku = versions->find("Sku").value_or("");
    decode_sku(result);
}

void read_mkhi_version(mei::Device& device, const Deadline& deadline, InfoResult& result) {
    amthi::MkhiClient mkhi(device, deadline);
    auto firmware = mkhi.get_firmware_version();
    result.version = firmware.version();
    result.build = std::to_string(firmware.code.build);
}

void read_amthi(amthi::Client& amthi, InfoResult& result) {
    read_versions(amthi, result);
    result.uuid = amthi::format_uuid(amthi.get_uuid());
    result.provisioning_state = amthi.get_provisioning_state();
    result.control_mode = amthi.get_control_mode();
    result.dns_suffix = amthi.get_dns_suffix();
    for (auto handle : amthi.enumerate_hash_handles()) {
        result.cert_hashes.push_back(amthi.get_cert_hash_entry(handle));
    }
    for (auto index : {amthi::LanInterfaceIndex::wired, amthi::LanInterfaceIndex::wireless}) {
        if (auto settings = amthi.get_lan_interface_settings(index)) {
            result.lan.push_back({index, *settings});
        }
    }
}

void read_watchdog(mei::Device& device, const Deadline& deadline, InfoResult& result) {
    int major = major_version(result.version);
    if (major > 0 && major < k_first_watchdog_major) {
        return; // nothing to ask: no TLS enforcement and no operational-state switch there
    }
    try {
        amthi::WatchdogClient watchdog(device, deadline, k_watchdog_timeout_ms);
        auto flags = watchdog.is_change_to_amt_enabled();
        if (!flags) {
            result.warnings.emplace_back("the watchdog client did not answer "
                                         "IsChangeToAMTEnabled; assuming TLS is not enforced");
            return;
        }
        result.tls_enforced = flags->tls_enforced();
        result.amt_enabled = flags->amt_enabled();
        result.amt_change_allowed = flags->transition_allowed();
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::timed_out) {
            throw; // the --timeout budget, not the firmware
        }
        result.warnings.push_back(
            fmt::format("cannot read whether TLS is enforced ({}); assuming it is not", e.what()));
    }
}

bool lme_connects(mei::Device& device) {
    try {
        // Connected and closed again, no message sent; one attempt, because when LMS runs it
        // holds LME and a busy answer is the answer.
        device.connect_once(mei::k_lme);
        return true;
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::timed_out) {
            throw;
        }
        return false;
    }
}

} // namespace

int major_version(std::string_view version) {
    int major = 0;
    auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
    return ec == std::errc{} ? major : 0;
}

InfoResult read_device_facts(mei::Device& device, const Deadline& deadline,
                             const std::function<void(amthi::Client&)>& also) {
    InfoResult result;
    {
        amthi::Client amthi(device, deadline);
        read_amthi(amthi, result);
        if (also) {
            also(amthi);
        }
    } // release AMTHI once its facts are read: it is a single-instance client
    if (result.version.empty()) {
        read_mkhi_version(device, deadline, result);
    }
    read_watchdog(device, deadline, result);
    return result;
}

InfoResult read_info(mei::Device& device, const LmsProbe& lms_probe, const InfoOptions& options,
                     const Deadline& deadline) {
    InfoResult result = read_device_facts(device, deadline);
    result.lme = lme_connects(device);
    deadline.check("probing LMS");
    result.lms_address = options.lms_address.url_host();
    result.lms_port = options.lms_port != 0 ? options.lms_port
                                            : (result.tls_enforced ? k_lms_tls_port : k_lms_port);
    result.lms_check = lms_probe(options.lms_address, static_cast<std::uint16_t>(result.lms_port));
    result.lms = result.lms_check.trusted();
    return result;
}

} // namespace amtcfg::flows
