// Reading the WS-Man side of `info --password`: one call per class, nothing changed.
#include "amtcfg/flows/configuration.hpp"

#include "profile_steps.hpp"
#include "wsman_session.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/features.hpp"
#include "amtcfg/wsman/maintenance.hpp"
#include "amtcfg/wsman/setup.hpp"
#include "amtcfg/wsman/tls.hpp"

#include <algorithm>

namespace amtcfg::flows {

namespace {

void read_network(wsman::Client& client, Configuration& out) {
    for (const auto& port : wsman::enumerate_ethernet_port_settings(client)) {
        if (port.physical_connection_type == 0) {
            out.dhcp = port.dhcp_enabled;
            out.ip_sync = port.ip_sync_enabled;
            out.ip = port.ip_address;
        }
    }
}

void read_redirection(wsman::Client& client, Configuration& out) {
    auto state =
        static_cast<wsman::RedirectionState>(wsman::get_redirection_service(client).enabled_state);
    out.sol =
        state == wsman::RedirectionState::sol || state == wsman::RedirectionState::ider_and_sol;
    out.ider =
        state == wsman::RedirectionState::ider || state == wsman::RedirectionState::ider_and_sol;
    try {
        out.kvm = wsman::kvm_enabled(wsman::get_kvm_redirection_sap(client).enabled_state);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::amt_unavailable) {
            throw; // DestinationUnreachable: no KVM on this SKU
        }
    }
}

// Firmware without power packages answers the enumeration with DestinationUnreachable; a device
// that has them but reports its current one wrongly is an error, as in configure.
void read_power(wsman::Client& client, Configuration& out) {
    std::vector<wsman::PowerScheme> schemes;
    try {
        schemes = wsman::enumerate_power_schemes(client);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::amt_unavailable) {
            throw;
        }
        return;
    }
    auto current = wsman::current_power_scheme(client);
    for (const auto& scheme : schemes) {
        if (current == scheme.instance_id) {
            out.power_package = power_package_name(scheme);
            if (auto policy = power_policy_of(scheme)) {
                out.power_policy = std::string(profile::to_string(*policy));
            }
        }
    }
}

} // namespace

Configuration read_configuration(Environment& env, const Secret& password) {
    env.log.add_secret(password.reveal());
    WsmanSession session(env, "admin", password);
    auto& client = session.client();
    Configuration out;
    auto general = wsman::get_general_settings(client);
    out.hostname = general.host_name;
    out.domain = general.domain_name;
    out.ping_response = general.ping_response_enabled;
    read_network(client, out);
    read_redirection(client, out);
    out.user_consent = wsman::opt_in_name(wsman::get_opt_in_service(client).opt_in_required);
    auto tls = wsman::enumerate_tls_setting_data(client);
    out.tls_enabled = std::any_of(tls.begin(), tls.end(), [](const auto& t) {
        return t.enabled && t.instance_id.find("802.3") != std::string::npos;
    });
    read_power(client, out);
    auto time = wsman::get_low_accuracy_time_synch(client);
    if (time.result.ok()) {
        out.clock_drift_seconds =
            static_cast<long long>(time.ta0) - static_cast<long long>(env.now());
    }
    out.wsman_calls = session.calls();
    return out;
}

} // namespace amtcfg::flows
