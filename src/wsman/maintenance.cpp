// Typed calls of AMT_TimeSynchronizationService, AMT_EthernetPortSettings and
// AMT_AuthorizationService (reference/wsman.md sections 6 and 9).
#include "amtcfg/wsman/maintenance.hpp"

#include "amtcfg/wsman/schema.hpp"
#include "properties.hpp"

#include <array>

namespace amtcfg::wsman {

using detail::bool_property;
using detail::bool_text;
using detail::u32_property;

namespace {

constexpr std::string_view k_time = "AMT_TimeSynchronizationService";
constexpr std::string_view k_port = "AMT_EthernetPortSettings";
constexpr std::string_view k_authorization = "AMT_AuthorizationService";
// Left out of a Put when DHCP or IP sync provides the address (reference/wsman.md section 9).
constexpr std::array<std::string_view, 5> k_static_fields{
    "IPAddress", "SubnetMask", "DefaultGateway", "PrimaryDNS", "SecondaryDNS"};

EthernetPortSettings port_from(Element raw) {
    EthernetPortSettings s;
    s.instance_id = raw.property("InstanceID");
    s.mac_address = raw.property("MACAddress");
    s.link_is_up = bool_property(raw, "LinkIsUp");
    s.physical_connection_type = u32_property(raw, "PhysicalConnectionType");
    s.dhcp_enabled = bool_property(raw, "DHCPEnabled");
    s.ip_sync_enabled = bool_property(raw, "IpSyncEnabled");
    s.shared_static_ip = bool_property(raw, "SharedStaticIp");
    s.ip_address = raw.property("IPAddress");
    s.subnet_mask = raw.property("SubnetMask");
    s.default_gateway = raw.property("DefaultGateway");
    s.primary_dns = raw.property("PrimaryDNS");
    s.secondary_dns = raw.property("SecondaryDNS");
    s.raw = std::move(raw);
    return s;
}

void set_or_remove(Element& body, std::string_view name, const std::string& value) {
    if (value.empty()) {
        body.remove_property(name);
    } else {
        body.set_property(name, value);
    }
}

} // namespace

LowAccuracyTime get_low_accuracy_time_synch(Client& client) {
    LowAccuracyTime out{client.invoke(class_uri(k_time), "GetLowAccuracyTimeSynch", {}), 0};
    out.ta0 = u32_property(out.result.output, "Ta0");
    return out;
}

MethodResult set_high_accuracy_time_synch(Client& client, std::uint32_t ta0, std::uint32_t tm1,
                                          std::uint32_t tm2) {
    return client.invoke(
        class_uri(k_time), "SetHighAccuracyTimeSynch",
        {{"Ta0", std::to_string(ta0)}, {"Tm1", std::to_string(tm1)}, {"Tm2", std::to_string(tm2)}});
}

std::vector<EthernetPortSettings> enumerate_ethernet_port_settings(Client& client) {
    std::string uri = class_uri(k_port);
    std::vector<EthernetPortSettings> out;
    for (auto& item : client.enumerate(uri)) {
        if (item.ns == uri && item.name == k_port) {
            out.push_back(port_from(std::move(item)));
        }
    }
    return out;
}

EthernetPortSettings put_ethernet_port_settings(Client& client,
                                                const EthernetPortSettings& settings) {
    bool manual_static = !settings.dhcp_enabled && !settings.ip_sync_enabled;
    if (manual_static && (settings.ip_address.empty() || settings.subnet_mask.empty())) {
        throw Error(ErrorCategory::invalid_input,
                    "a static IP configuration without IP sync needs an IP address and a "
                    "subnet mask");
    }
    std::string uri = class_uri(k_port);
    Element body = settings.raw;
    if (body.name.empty()) {
        body = Element{uri, std::string(k_port), {}, {}, {}};
        body.add(uri, "InstanceID", settings.instance_id);
    }
    body.set_property("SharedStaticIp", bool_text(settings.shared_static_ip));
    body.set_property("IpSyncEnabled", bool_text(settings.ip_sync_enabled));
    body.set_property("DHCPEnabled", bool_text(settings.dhcp_enabled));
    for (auto field : k_static_fields) {
        body.remove_property(field);
    }
    if (manual_static) {
        set_or_remove(body, "IPAddress", settings.ip_address);
        set_or_remove(body, "SubnetMask", settings.subnet_mask);
        set_or_remove(body, "DefaultGateway", settings.default_gateway);
        set_or_remove(body, "PrimaryDNS", settings.primary_dns);
        set_or_remove(body, "SecondaryDNS", settings.secondary_dns);
    }
    Envelope answer =
        client.put(uri, std::move(body), {{"InstanceID", std::string(settings.instance_id)}});
    return port_from(detail::instance(answer, k_port));
}

MethodResult set_admin_acl_entry_ex(Client& client, std::string_view username,
                                    const Secret& digest_password) {
    return detail::invoke_secret(
        client, k_authorization, "SetAdminAclEntryEx",
        {{"Username", std::string(username)}, {"DigestPassword", digest_password.reveal()}});
}

AddUserResult add_user_acl_entry_ex(Client& client, std::string_view username,
                                    const Secret& digest_password, AccessPermission permission,
                                    const std::vector<std::uint32_t>& realms) {
    std::vector<std::pair<std::string, std::string>> arguments{
        {"DigestUsername", std::string(username)},
        {"DigestPassword", digest_password.reveal()},
        {"AccessPermission", std::to_string(static_cast<std::uint32_t>(permission))}};
    for (auto realm : realms) {
        arguments.emplace_back("Realms", std::to_string(realm));
    }
    AddUserResult out{
        detail::invoke_secret(client, k_authorization, "AddUserAclEntryEx", std::move(arguments)),
        0};
    out.handle = u32_property(out.result.output, "Handle");
    return out;
}

UserHandles enumerate_user_acl_entries(Client& client) {
    UserHandles out;
    std::uint32_t start = 1;
    // Each answer holds at most HandlesCount handles; AMT has a few dozen entries at most.
    for (int page = 0; page < 64; ++page) {
        out.result = client.invoke(class_uri(k_authorization), "EnumerateUserAclEntries",
                                   {{"StartIndex", std::to_string(start)}});
        if (!out.result.ok()) {
            return out;
        }
        auto handles = detail::u32_list(out.result.output, "Handles");
        out.handles.insert(out.handles.end(), handles.begin(), handles.end());
        std::uint32_t total = u32_property(out.result.output, "TotalCount");
        if (handles.empty() || out.handles.size() >= total) {
            return out;
        }
        start += static_cast<std::uint32_t>(handles.size());
    }
    return out;
}

UserAclEntry get_user_acl_entry_ex(Client& client, std::uint32_t handle) {
    UserAclEntry out{client.invoke(class_uri(k_authorization), "GetUserAclEntryEx",
                                   {{"Handle", std::to_string(handle)}}),
                     {},
                     0,
                     {}};
    out.username = out.result.output.property("DigestUsername");
    out.access_permission = u32_property(out.result.output, "AccessPermission");
    out.realms = detail::u32_list(out.result.output, "Realms");
    return out;
}

MethodResult update_user_acl_entry_ex(Client& client, std::uint32_t handle,
                                      std::string_view username, AccessPermission permission,
                                      const std::vector<std::uint32_t>& realms) {
    std::vector<std::pair<std::string, std::string>> arguments{
        {"Handle", std::to_string(handle)},
        {"DigestUsername", std::string(username)},
        {"AccessPermission", std::to_string(static_cast<std::uint32_t>(permission))}};
    for (auto realm : realms) {
        arguments.emplace_back("Realms", std::to_string(realm));
    }
    return client.invoke(class_uri(k_authorization), "UpdateUserAclEntryEx", arguments);
}

MethodResult remove_user_acl_entry(Client& client, std::uint32_t handle) {
    return client.invoke(class_uri(k_authorization), "RemoveUserAclEntry",
                         {{"Handle", std::to_string(handle)}});
}

} // namespace amtcfg::wsman
