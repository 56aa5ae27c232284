// Clock, hostname and IP checks of maintain.
#include "maintain_checks.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/maintenance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace amtcfg::flows {

const wsman::GeneralSettings& MaintainContext::general_settings() {
    if (!general) {
        general = wsman::get_general_settings(wsman());
    }
    return *general;
}

MaintenanceCheck run_check(std::string_view name, const std::function<MaintenanceCheck()>& check) {
    try {
        return check();
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::auth_failed ||
            e.category() == ErrorCategory::timed_out) {
            throw;
        }
        return {std::string(name), true, false, e.what()};
    }
}

namespace {

void require_ok(const wsman::MethodResult& result, std::string_view call) {
    if (!result.ok()) {
        throw Error(ErrorCategory::maintenance_failed,
                    fmt::format("{} returned {}", call, result.describe()));
    }
}

std::chrono::seconds drift_limit(const MaintainOptions& options) {
    if (options.profile && options.profile->maintenance &&
        options.profile->maintenance->clock_drift_max) {
        return std::chrono::duration_cast<std::chrono::seconds>(
            *options.profile->maintenance->clock_drift_max);
    }
    return k_default_clock_drift_max;
}

} // namespace

MaintenanceCheck check_clock(MaintainContext& c) {
    MaintenanceCheck check{"clock", false, false, {}};
    auto time = wsman::get_low_accuracy_time_synch(c.wsman());
    require_ok(time.result, "AMT_TimeSynchronizationService.GetLowAccuracyTimeSynch");
    auto now = c.env.now();
    long long drift = static_cast<long long>(time.ta0) - static_cast<long long>(now);
    auto limit = drift_limit(c.options).count();
    check.due = c.options.sync_clock || std::llabs(drift) > limit;
    check.detail = fmt::format("AMT's clock was {} s {} (limit {} s)", std::llabs(drift),
                               drift >= 0 ? "ahead" : "behind", limit);
    if (check.due) {
        auto tm = static_cast<std::uint32_t>(c.env.now());
        require_ok(wsman::set_high_accuracy_time_synch(c.wsman(), time.ta0, tm, tm),
                   "AMT_TimeSynchronizationService.SetHighAccuracyTimeSynch");
        check.done = true;
        check.detail += "; set to the host's time";
    }
    return check;
}

MaintenanceCheck check_hostname(MaintainContext& c) {
    MaintenanceCheck check{"hostname", false, false, {}};
    auto wanted = c.general_settings();
    wanted.host_name = c.env.os.hostname();
    wanted.domain_name = c.env.os.domain();
    const auto& current = c.general_settings();
    auto fqdn = [](const wsman::GeneralSettings& s) {
        return s.domain_name.empty() ? s.host_name : s.host_name + "." + s.domain_name;
    };
    check.due = wanted.host_name != current.host_name || wanted.domain_name != current.domain_name;
    check.detail =
        check.due ? fmt::format("AMT had \"{}\", the OS has \"{}\"", fqdn(current), fqdn(wanted))
                  : fmt::format("AMT and the OS agree on \"{}\"", fqdn(current));
    if (check.due) {
        c.general = wsman::put_general_settings(c.wsman(), wanted);
        check.done = true;
    }
    return check;
}

MaintenanceCheck check_ip(MaintainContext& c, amthi::Client& amthi) {
    MaintenanceCheck check{"ip", false, false, {}};
    auto ports = wsman::enumerate_ethernet_port_settings(c.wsman());
    auto wired = std::find_if(ports.begin(), ports.end(),
                              [](const auto& p) { return p.physical_connection_type == 0; });
    if (wired == ports.end()) {
        check.detail = "AMT reports no wired interface";
        return check;
    }
    if (wired->dhcp_enabled) {
        check.detail = "AMT uses DHCP; nothing to synchronise";
        return check;
    }
    if (!wired->ip_sync_enabled && !wired->shared_static_ip) {
        // A manual static address of AMT's own (wsman.md section 9: IP sync and SharedStaticIp
        // off) may differ from the host's on purpose; overwriting it would cut AMT off.
        check.detail = fmt::format("AMT has its own static address {} (not shared with the host); "
                                   "left alone",
                                   wired->ip_address);
        return check;
    }
    auto lan = amthi.get_lan_interface_settings(amthi::LanInterfaceIndex::wired);
    auto os = lan ? c.env.os.address_of(lan->mac) : std::nullopt;
    if (!os) {
        check.detail = "no host interface has AMT's MAC address (AMT has its own address); "
                       "left alone";
        return check;
    }
    // AMT's static address is the host's. AMT takes address fields only with IP sync off
    // (wsman.md section 9), so the host's values are set with IP sync off and SharedStaticIp
    // on: the address stays marked as the host's, and the next run keeps it in step.
    wsman::EthernetPortSettings wanted = *wired;
    wanted.ip_sync_enabled = false;
    wanted.shared_static_ip = true;
    wanted.ip_address = os->ip;
    wanted.subnet_mask = os->subnet_mask;
    wanted.default_gateway = os->gateway;
    wanted.primary_dns = os->primary_dns;
    wanted.secondary_dns = os->secondary_dns;
    // A host without a default route or name server gives none: the Put leaves the field out
    // and AMT may keep its value, which must not count as drift again on every run.
    auto differs = [](const std::string& host, const std::string& amt) {
        return !host.empty() && host != amt;
    };
    check.due = wanted.ip_address != wired->ip_address ||
                wanted.subnet_mask != wired->subnet_mask ||
                differs(wanted.default_gateway, wired->default_gateway) ||
                differs(wanted.primary_dns, wired->primary_dns);
    check.detail = fmt::format("AMT has {}/{}, the host has {}/{}", wired->ip_address,
                               wired->subnet_mask, os->ip, os->subnet_mask);
    if (check.due) {
        wsman::put_ethernet_port_settings(c.wsman(), wanted);
        check.done = true;
    }
    return check;
}

} // namespace amtcfg::flows
