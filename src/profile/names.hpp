// The spelling of every enumerated profile value, shared by the parser and to_string().
#pragma once

#include "amtcfg/profile/profile.hpp"

#include <array>
#include <span>
#include <string_view>

namespace amtcfg::profile {

template <typename Enum> struct NameOf {
    Enum value;
    std::string_view name;
};

inline constexpr std::array<NameOf<ActivationMode>, 2> k_activation_modes{{
    {ActivationMode::ccm, "ccm"},
    {ActivationMode::acm, "acm"},
}};

inline constexpr std::array<NameOf<UserConsent>, 3> k_user_consents{{
    {UserConsent::none, "none"},
    {UserConsent::kvm, "kvm"},
    {UserConsent::all, "all"},
}};

inline constexpr std::array<NameOf<PowerPolicy>, 2> k_power_policies{{
    {PowerPolicy::s0_only, "s0-only"},
    {PowerPolicy::always_on, "always-on"},
}};

inline constexpr std::array<NameOf<TlsMode>, 2> k_tls_modes{{
    {TlsMode::server, "server"},
    {TlsMode::mutual, "mutual"},
}};

inline constexpr std::array<NameOf<IssuerType>, 4> k_issuer_types{{
    {IssuerType::file, "file"},
    {IssuerType::scep, "scep"},
    {IssuerType::cmp, "cmp"},
    {IssuerType::exec, "exec"},
}};

inline constexpr std::array<NameOf<Realm>, 20> k_realms{{
    {Realm::redirection, "redirection"},
    {Realm::pt_administration, "pt-administration"},
    {Realm::hardware_asset, "hardware-asset"},
    {Realm::remote_control, "remote-control"},
    {Realm::storage, "storage"},
    {Realm::event_manager, "event-manager"},
    {Realm::storage_administration, "storage-administration"},
    {Realm::agent_presence_local, "agent-presence-local"},
    {Realm::agent_presence_remote, "agent-presence-remote"},
    {Realm::circuit_breaker, "circuit-breaker"},
    {Realm::network_time, "network-time"},
    {Realm::general_info, "general-info"},
    {Realm::firmware_update, "firmware-update"},
    {Realm::eit, "eit"},
    {Realm::local_un, "local-un"},
    {Realm::endpoint_access_control, "endpoint-access-control"},
    {Realm::endpoint_access_control_admin, "endpoint-access-control-admin"},
    {Realm::event_log_reader, "event-log-reader"},
    {Realm::audit_log, "audit-log"},
    {Realm::acl, "acl"},
}};

template <typename Enum, std::size_t N>
std::string_view name_in(const std::array<NameOf<Enum>, N>& table, Enum value) {
    for (const auto& entry : table) {
        if (entry.value == value) {
            return entry.name;
        }
    }
    return "?";
}

} // namespace amtcfg::profile
