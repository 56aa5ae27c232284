// Settings classes: AMT_GeneralSettings, AMT_EthernetPortSettings, AMT_TLSSettingData,
// AMT_BootCapabilities (wsman.md sections 6 and 9).
#include "wsman/classes.hpp"

#include <algorithm>

namespace amtcfg::sim {
namespace {

using enum PropKind;
constexpr auto ro = Access::read_only;

constexpr PropRule k_general_rules[] = {
    {"AMTNetworkEnabled", uint32, Access::read_write, "0|1"},
    {"DDNSPeriodicUpdateInterval", uint32},
    {"DDNSTTL", uint32},
    {"DDNSUpdateByDHCPServerEnabled", boolean},
    {"DDNSUpdateEnabled", boolean},
    {"DHCPSyncRequiresHostname", uint32, Access::read_write, "0|1"},
    {"DHCPv6ConfigurationTimeout", uint32},
    {"DigestRealm", string, ro},
    {"DomainName", hostname},
    {"ElementName", string},
    {"HostName", hostname},
    {"HostOSFQDN", string},
    {"IdleWakeTimeout", uint32},
    {"InstanceID", string, ro},
    {"NetworkInterfaceEnabled", boolean},
    {"OemID", uint32},
    {"PingResponseEnabled", boolean},
    {"PowerSource", uint32, ro},
    {"PreferredAddressFamily", uint32, Access::read_write, "0|1"},
    {"PresenceNotificationInterval", uint32},
    {"PrivacyLevel", uint32, ro},
    {"RmcpPingResponseEnabled", boolean},
    {"SharedFQDN", boolean},
    {"ThunderboltDockEnabled", uint32, Access::read_write, "0|1|2"},
    {"WsmanOnlyMode", boolean},
};

std::vector<Instance> general_instances(CallContext& context) {
    auto instances = stored_instances(context.state, "AMT_GeneralSettings");
    for (auto& instance : instances) {
        instance.set("DigestRealm", context.state.realm);
        instance.set("HostName", context.state.hostname);
        instance.set("DomainName", context.state.domain);
    }
    return instances;
}

void general_put(CallContext& context, const Instance& current, const Instance& merged) {
    if (merged.get("HostName").size() > 63) {
        throw WsmanFault(fault::invalid_representation, "HostName longer than 63 characters");
    }
    context.state.hostname = merged.get("HostName");
    context.state.domain = merged.get("DomainName");
    put_stored(context, current, merged);
}

// The AMTHI LAN interface behind a port instance (wired = 0, wireless = 1), if the device has it.
LanInterface* lan_of(DeviceState& state, const Instance& port) {
    auto wanted = port.get("PhysicalConnectionType") == "3" ? "wireless" : "wired";
    for (auto& lan : state.lan) {
        if (lan.interface == wanted) {
            return &lan;
        }
    }
    return nullptr;
}

constexpr PropRule k_ethernet_rules[] = {
    {"ConsoleTcpMaxRetransmissions", uint8},
    {"DHCPEnabled", boolean},
    {"DefaultGateway", ipv4},
    {"ElementName", string, ro},
    {"IPAddress", ipv4},
    {"InstanceID", string, ro},
    {"IpSyncEnabled", boolean},
    {"LinkControl", uint8, Access::read_write, "1|2"},
    {"LinkIsUp", boolean, ro},
    {"LinkPolicy", uint8, Access::read_write, "1|14|16|224"},
    {"LinkPreference", uint8, Access::read_write, "1|2"},
    {"MACAddress", string, ro},
    {"PhysicalConnectionType", uint8, ro},
    {"PrimaryDNS", ipv4},
    {"SecondaryDNS", ipv4},
    {"SharedDynamicIP", boolean},
    {"SharedMAC", boolean},
    {"SharedStaticIp", boolean},
    {"SubnetMask", ipv4},
    {"VLANTag", uint16},
    {"WLANLinkProtectionLevel", uint8},
};

constexpr std::string_view k_static_fields[] = {"IPAddress", "SubnetMask", "DefaultGateway",
                                                "PrimaryDNS", "SecondaryDNS"};

// The DHCP / IP-sync / static rules of wsman.md section 9.
void ethernet_put(CallContext& context, const Instance& current, const Instance& merged) {
    const auto& incoming = instance_from_xml(context.request.body);
    bool dhcp = merged.get("DHCPEnabled") == "true";
    bool sync = merged.get("IpSyncEnabled") == "true";
    bool has_static = false;
    for (auto field : k_static_fields) {
        has_static = has_static || incoming.has(field);
    }
    if ((dhcp || sync) && has_static) {
        throw WsmanFault(fault::invalid_representation,
                         "IP settings given while DHCP or IP sync is enabled");
    }
    if (!dhcp && !sync && (!incoming.has("IPAddress") || !incoming.has("SubnetMask"))) {
        throw WsmanFault(fault::invalid_representation, "static IP needs IPAddress and SubnetMask");
    }
    if (dhcp && merged.get("SharedStaticIp") == "true") {
        throw WsmanFault(fault::invalid_representation, "SharedStaticIp needs DHCP disabled");
    }
    if (merged.get("PhysicalConnectionType") == "3" && !dhcp) {
        throw WsmanFault(fault::invalid_representation, "the wireless port only supports DHCP");
    }
    put_stored(context, current, merged);
    if (auto* lan = lan_of(context.state, current)) { // AMTHI reports the same facts
        lan->dhcp = dhcp;
        if (incoming.has("IPAddress")) {
            lan->ip = incoming.get("IPAddress");
        }
    }
}

constexpr PropRule k_tls_rules[] = {
    {"AcceptNonSecureConnections", boolean},
    {"ElementName", string, ro},
    {"Enabled", boolean},
    {"InstanceID", string, ro},
    {"MutualAuthentication", boolean},
    {"NonSecureConnectionsSupported", boolean, ro},
    {"TrustedCN", string},
};

void tls_put(CallContext& context, const Instance& current, const Instance& merged) {
    Instance result = merged;
    bool local = current.get("InstanceID") == "Intel(r) AMT LMS TLS Settings";
    if (local) { // read-only on the LMS instance
        result.set("AcceptNonSecureConnections", current.get("AcceptNonSecureConnections"));
    }
    if (!local && current.get("NonSecureConnectionsSupported") == "false" &&
        (merged.get("AcceptNonSecureConnections") == "true" || merged.get("Enabled") == "false")) {
        throw WsmanFault(fault::access_denied, "TLS cannot be disabled on this device");
    }
    put_stored(context, current, result);
}

std::vector<Instance> tls_instances(CallContext& context) {
    return stored_instances(context.state, "AMT_TLSSettingData");
}

// The LAN facts shared with AMTHI (DeviceState::lan) override the stored port settings.
std::vector<Instance> ethernet_instances(CallContext& context) {
    auto instances = stored_instances(context.state, "AMT_EthernetPortSettings");
    for (auto& instance : instances) {
        if (const auto* lan = lan_of(context.state, instance)) {
            std::string mac = lan->mac;
            std::replace(mac.begin(), mac.end(), ':', '-');
            instance.set("DHCPEnabled", bool_text(lan->dhcp));
            instance.set("LinkIsUp", bool_text(lan->link_up));
            instance.set("MACAddress", mac);
            if (!lan->ip.empty()) {
                instance.set("IPAddress", lan->ip);
            }
        }
    }
    return instances;
}

std::vector<Instance> boot_capabilities(CallContext&) {
    return {Instance{{"BIOSPause", "false"},
                     {"BIOSReflash", "true"},
                     {"BIOSSetup", "true"},
                     {"ElementName", "Intel(r) AMT: Boot Capabilities"},
                     {"ForceCDorDVDBoot", "true"},
                     {"ForceHardDriveBoot", "true"},
                     {"ForcePXEBoot", "true"},
                     {"IDER", "true"},
                     {"InstanceID", "Intel(r) AMT:BootCapabilities 0"},
                     {"KeyboardLock", "true"},
                     {"SOL", "true"},
                     {"SecureErase", "false"},
                     {"UserPasswordBypass", "true"}}};
}

} // namespace

const ClassSpec k_general_settings{"AMT_GeneralSettings", ns::amt_schema, general_instances,
                                   general_put, k_general_rules};
const ClassSpec k_ethernet_port_settings{"AMT_EthernetPortSettings", ns::amt_schema,
                                         ethernet_instances, ethernet_put, k_ethernet_rules};
const ClassSpec k_tls_setting_data{"AMT_TLSSettingData", ns::amt_schema, tls_instances, tls_put,
                                   k_tls_rules};
const ClassSpec k_boot_capabilities{"AMT_BootCapabilities", ns::amt_schema, boot_capabilities};

} // namespace amtcfg::sim
