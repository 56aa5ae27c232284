// The simulated AMT's state: instance property lists, factory defaults, device-file JSON.
#include "wsman/state.hpp"

#include "wsman/digest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace amtcfg::sim {

bool Instance::has(std::string_view name) const {
    return std::any_of(m_props.begin(), m_props.end(),
                       [&](const auto &p) { return p.first == name; });
}

std::string Instance::get(std::string_view name) const {
    for (const auto &[key, value] : m_props) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

std::vector<std::string> Instance::values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto &[key, value] : m_props) {
        if (key == name) {
            out.push_back(value);
        }
    }
    return out;
}

void Instance::set(std::string_view name, std::string value) {
    set_values(name, {std::move(value)});
}

// Keeps the property's position (schema order) when it already exists.
void Instance::set_values(std::string_view name, const std::vector<std::string> &values) {
    auto first = std::find_if(m_props.begin(), m_props.end(),
                              [&](const auto &p) { return p.first == name; });
    auto position = first - m_props.begin();
    erase(name);
    if (first == m_props.end()) {
        position = static_cast<std::ptrdiff_t>(m_props.size());
    }
    for (const auto &value : values) {
        m_props.insert(m_props.begin() + position++, {std::string(name), value});
    }
}

void Instance::erase(std::string_view name) {
    std::erase_if(m_props, [&](const auto &p) { return p.first == name; });
}

namespace {

std::vector<Instance> ethernet_defaults() {
    Instance wired{{"DHCPEnabled", "true"},
                   {"DefaultGateway", "192.168.1.1"},
                   {"ElementName", "Intel(r) AMT Ethernet Port Settings"},
                   {"IPAddress", "192.168.1.50"},
                   {"InstanceID", "Intel(r) AMT Ethernet Port Settings 0"},
                   {"IpSyncEnabled", "true"},
                   {"LinkIsUp", "true"},
                   {"LinkPolicy", "1"},
                   {"LinkPolicy", "14"},
                   {"LinkPolicy", "16"},
                   {"LinkPolicy", "224"},
                   {"MACAddress", "a4-ae-11-22-33-44"},
                   {"PhysicalConnectionType", "0"},
                   {"PrimaryDNS", "192.168.1.1"},
                   {"SharedDynamicIP", "true"},
                   {"SharedMAC", "true"},
                   {"SharedStaticIp", "false"},
                   {"SubnetMask", "255.255.255.0"}};
    Instance wireless{{"ConsoleTcpMaxRetransmissions", "5"},
                      {"DHCPEnabled", "true"},
                      {"ElementName", "Intel(r) AMT Ethernet Port Settings"},
                      {"InstanceID", "Intel(r) AMT Ethernet Port Settings 1"},
                      {"IpSyncEnabled", "false"},
                      {"LinkControl", "2"},
                      {"LinkIsUp", "false"},
                      {"LinkPolicy", "1"},
                      {"LinkPolicy", "14"},
                      {"LinkPreference", "2"},
                      {"MACAddress", "a4-ae-11-22-33-45"},
                      {"PhysicalConnectionType", "3"},
                      {"SharedDynamicIP", "true"},
                      {"SharedMAC", "true"},
                      {"SharedStaticIp", "false"},
                      {"WLANLinkProtectionLevel", "1"}};
    return {wired, wireless};
}

std::vector<Instance> general_defaults() {
    return {Instance{{"AMTNetworkEnabled", "1"},
                     {"DDNSPeriodicUpdateInterval", "1440"},
                     {"DDNSTTL", "900"},
                     {"DDNSUpdateByDHCPServerEnabled", "true"},
                     {"DDNSUpdateEnabled", "false"},
                     {"DHCPv6ConfigurationTimeout", "0"},
                     {"DigestRealm", ""},
                     {"DomainName", ""},
                     {"ElementName", "Intel(r) AMT: General Settings"},
                     {"HostName", ""},
                     {"HostOSFQDN", ""},
                     {"IdleWakeTimeout", "65535"},
                     {"InstanceID", "Intel(r) AMT: General Settings"},
                     {"NetworkInterfaceEnabled", "true"},
                     {"PingResponseEnabled", "true"},
                     {"PowerSource", "0"},
                     {"PreferredAddressFamily", "0"},
                     {"PresenceNotificationInterval", "0"},
                     {"PrivacyLevel", "0"},
                     {"RmcpPingResponseEnabled", "true"},
                     {"SharedFQDN", "true"},
                     {"ThunderboltDockEnabled", "0"},
                     {"WsmanOnlyMode", "false"}}};
}

std::vector<Instance> redirection_defaults() {
    return {Instance{{"CreationClassName", "AMT_RedirectionService"},
                     {"ElementName", "Intel(r) AMT Redirection Service"},
                     {"EnabledState", "32768"},
                     {"ListenerEnabled", "false"},
                     {"Name", "Intel(r) AMT Redirection Service"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}}};
}

std::vector<Instance> kvm_defaults() {
    return {Instance{{"CreationClassName", "CIM_KVMRedirectionSAP"},
                     {"ElementName", "KVM Redirection Service Access Point"},
                     {"EnabledState", "3"},
                     {"KVMProtocol", "4"},
                     {"Name", "KVM Redirection Service Access Point"},
                     {"RequestedState", "5"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "ManagedSystem"}}};
}

std::vector<Instance> kvm_setting_defaults() {
    return {Instance{{"BackToBackFbMode", "false"},
                     {"DefaultScreen", "0"},
                     {"ElementName", "Intel(r) KVM Redirection Settings"},
                     {"EnabledByMEBx", "true"},
                     {"InstanceID", "Intel(r) KVM Redirection Settings"},
                     {"Is5900PortEnabled", "false"},
                     {"OptInPolicy", "true"},
                     {"OptInPolicyTimeout", "300"},
                     {"SessionTimeout", "10"}}};
}

std::vector<Instance> opt_in_defaults() {
    return {Instance{{"CanModifyOptInPolicy", "1"},
                     {"CreationClassName", "IPS_OptInService"},
                     {"ElementName", "Intel(r) AMT OptIn Service"},
                     {"Name", "Intel(r) AMT OptIn Service"},
                     {"OptInCodeTimeout", "120"},
                     {"OptInDisplayTimeout", "300"},
                     {"OptInRequired", "4294967295"},
                     {"OptInState", "0"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}}};
}

std::vector<Instance> tls_defaults() {
    return {Instance{{"AcceptNonSecureConnections", "false"},
                     {"ElementName", "Intel(r) AMT 802.3 TLS Settings"},
                     {"Enabled", "false"},
                     {"InstanceID", "Intel(r) AMT 802.3 TLS Settings"},
                     {"MutualAuthentication", "false"}},
            Instance{{"AcceptNonSecureConnections", "true"},
                     {"ElementName", "Intel(r) AMT LMS TLS Settings"},
                     {"Enabled", "false"},
                     {"InstanceID", "Intel(r) AMT LMS TLS Settings"},
                     {"MutualAuthentication", "false"}}};
}

} // namespace

void reset_instances(AmtState &state) {
    state.classes["AMT_GeneralSettings"] = general_defaults();
    state.classes["AMT_EthernetPortSettings"] = ethernet_defaults();
    state.classes["AMT_RedirectionService"] = redirection_defaults();
    state.classes["CIM_KVMRedirectionSAP"] = kvm_defaults();
    state.classes["IPS_KVMRedirectionSettingData"] = kvm_setting_defaults();
    state.classes["IPS_OptInService"] = opt_in_defaults();
    state.classes["AMT_TLSSettingData"] = tls_defaults();
}

AmtState default_state() {
    AmtState state;
    state.cert_hashes = {
        {"VeriSign Class 3 Primary CA-G5", "sha256",
         "9acfab7e43c8d880d06b262a94deeee4b4659989c3d0caf19baf6405e41ab7df", true, true},
        {"DigiCert Global Root G2", "sha256",
         "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f", true, true},
    };
    reset_instances(state);
    return state;
}

} // namespace amtcfg::sim
