// The WS-Man side of the simulated device: instance property lists, factory defaults, JSON.
#include "device_wsman.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace amtcfg::sim {

bool Instance::has(std::string_view name) const {
    return std::any_of(m_props.begin(), m_props.end(),
                       [&](const auto& p) { return p.first == name; });
}

std::string Instance::get(std::string_view name) const {
    for (const auto& [key, value] : m_props) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

std::vector<std::string> Instance::values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : m_props) {
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
void Instance::set_values(std::string_view name, const std::vector<std::string>& values) {
    auto first = std::find_if(m_props.begin(), m_props.end(),
                              [&](const auto& p) { return p.first == name; });
    auto position = first - m_props.begin();
    erase(name);
    if (first == m_props.end()) {
        position = static_cast<std::ptrdiff_t>(m_props.size());
    }
    for (const auto& value : values) {
        m_props.insert(m_props.begin() + position++, {std::string(name), value});
    }
}

void Instance::erase(std::string_view name) {
    std::erase_if(m_props, [&](const auto& p) { return p.first == name; });
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

// Descriptive strings of the Intel AMT Implementation and Reference Guide ("Power Packages").
// Package 2's GUID is the one setup.bin files carry (reference/psk-setupbin.md, 1.6, bytes_le);
// package 1's GUID is not public, so the simulator uses a placeholder. The InstanceIDs are the
// simulator's choice: amtcfg must take them from the enumeration.
std::vector<Instance> desktop_power_schemes() {
    return {Instance{{"CreationClassName", "AMT_SystemPowerScheme"},
                     {"Description", "Desktop: ON in S0"},
                     {"ElementName", "Desktop: ON in S0"},
                     {"InstanceID", "Intel(r) AMT Power Scheme 1"},
                     {"SchemeGUID", "AAAAAAAAAAAAAAAAAAAAAQ=="},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}},
            Instance{{"CreationClassName", "AMT_SystemPowerScheme"},
                     {"Description", "Desktop: ON in S0, ME Wake in S3, S4-5"},
                     {"ElementName", "Desktop: ON in S0, ME Wake in S3, S4-5"},
                     {"InstanceID", "Intel(r) AMT Power Scheme 2"},
                     {"SchemeGUID", "cyJzRiPcQy+pihPTeYLYVQ=="},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}}};
}

} // namespace

void default_power_schemes(WsmanState& wsman) {
    auto schemes = desktop_power_schemes();
    wsman.current_power_scheme = schemes.front().get("InstanceID");
    wsman.classes["AMT_SystemPowerScheme"] = std::move(schemes);
}

void reset_instances(WsmanState& wsman) {
    auto& classes = wsman.classes;
    classes["AMT_GeneralSettings"] = general_defaults();
    classes["AMT_EthernetPortSettings"] = ethernet_defaults();
    classes["AMT_RedirectionService"] = redirection_defaults();
    classes["CIM_KVMRedirectionSAP"] = kvm_defaults();
    classes["IPS_KVMRedirectionSettingData"] = kvm_setting_defaults();
    classes["IPS_OptInService"] = opt_in_defaults();
    classes["AMT_TLSSettingData"] = tls_defaults();
}

namespace {

[[noreturn]] void bad_key(const std::string& key, const std::string& why) {
    throw std::runtime_error("device file key '" + key + "': " + why);
}

Instance instance_from_json(const nlohmann::json& item, const std::string& key) {
    if (!item.is_object()) {
        bad_key(key, "must be an object of property values");
    }
    Instance instance;
    for (const auto& [name, value] : item.items()) {
        for (const auto& one : value.is_array() ? value : nlohmann::json::array({value})) {
            if (!one.is_string()) {
                bad_key(key + "." + name, "must be a string or an array of strings");
            }
            instance.add(name, one.get<std::string>());
        }
    }
    return instance;
}

void load_classes(const nlohmann::json& json, WsmanState& wsman) {
    auto it = json.find("wsman_classes");
    if (it == json.end()) {
        return;
    }
    if (!it->is_object()) {
        bad_key("wsman_classes", "must be an object of instance arrays");
    }
    for (const auto& [name, items] : it->items()) {
        if (!items.is_array()) {
            bad_key("wsman_classes." + name, "must be an array");
        }
        std::vector<Instance> instances;
        for (const auto& item : items) {
            instances.push_back(instance_from_json(item, "wsman_classes." + name));
        }
        wsman.classes[name] = instances;
    }
}

UserAcl user_from_json(const nlohmann::json& item) {
    if (!item.is_object()) {
        bad_key("users", "must hold objects");
    }
    UserAcl user{item.value("name", ""), item.value("ha1", ""),
                 item.value("realms", std::vector<std::string>{}),
                 item.value("handle", std::uint32_t{0}),
                 item.value("access_permission", std::uint32_t{2})};
    if (user.access_permission > 2) {
        bad_key("users", "access_permission must be 0, 1 or 2");
    }
    return user;
}

void load_users(const nlohmann::json& json, WsmanState& wsman) {
    wsman.user_acl_page_size = json.value("user_acl_page_size", wsman.user_acl_page_size);
    if (wsman.user_acl_page_size == 0) {
        bad_key("user_acl_page_size", "must be at least 1");
    }
    auto it = json.find("users");
    if (it == json.end()) {
        return;
    }
    if (!it->is_array()) {
        bad_key("users", "must be an array");
    }
    std::vector<UserAcl> users;
    std::set<std::uint32_t> handles;
    for (const auto& item : *it) {
        users.push_back(user_from_json(item));
        if (users.back().handle != 0 && !handles.insert(users.back().handle).second) {
            bad_key("users", "two entries have handle " + std::to_string(users.back().handle));
        }
    }
    wsman.users = std::move(users);
    // Entries written without a handle get one now, so it is stable from here on.
    for (auto& user : wsman.users) {
        if (user.handle == 0) {
            user.handle = next_user_handle(wsman);
        }
    }
}

nlohmann::json instance_json(const Instance& instance) {
    nlohmann::json item = nlohmann::json::object();
    for (const auto& [key, value] : instance.properties()) {
        auto values = instance.values(key);
        item[key] = values.size() > 1 ? nlohmann::json(values) : nlohmann::json(value);
    }
    return item;
}

// current_power_scheme: given, else the first listed scheme when the file lists schemes; it must
// name one of the schemes.
void load_current_power_scheme(const nlohmann::json& json, WsmanState& wsman) {
    auto listed = wsman.classes.find("AMT_SystemPowerScheme");
    const auto schemes = listed == wsman.classes.end() ? std::vector<Instance>{} : listed->second;
    auto it = json.find("current_power_scheme");
    if (it != json.end()) {
        if (!it->is_null() && !it->is_string()) {
            bad_key("current_power_scheme", "must be an InstanceID string or null");
        }
        wsman.current_power_scheme = it->is_null() ? "" : it->get<std::string>();
    } else if (json.contains("wsman_classes") &&
               json["wsman_classes"].contains("AMT_SystemPowerScheme")) {
        wsman.current_power_scheme = schemes.empty() ? "" : schemes.front().get("InstanceID");
    }
    bool known = wsman.current_power_scheme.empty();
    for (const auto& scheme : schemes) {
        known = known || scheme.get("InstanceID") == wsman.current_power_scheme;
    }
    if (!known) {
        bad_key("current_power_scheme", "'" + wsman.current_power_scheme +
                                            "' is not the InstanceID of an AMT_SystemPowerScheme");
    }
}

// The certificate store: "key_pairs" [{handle, private_key_pem}], "certificates" [{handle,
// certificate (base64 DER), trusted_root}], "tls_credential_context" (null or a certificate
// handle), "tls_committed" {remote_enabled, remote_mutual, local_enabled, local_mutual,
// certificate, private_key_pem, trusted_roots, trusted_cn, generation}, "clock_set".
void load_certificate_store(const nlohmann::json& json, CertificateStore& store) {
    if (auto it = json.find("key_pairs"); it != json.end()) {
        if (!it->is_array()) {
            bad_key("key_pairs", "must be an array");
        }
        std::vector<StoredKeyPair> keys;
        for (const auto& item : *it) {
            keys.push_back({item.at("handle").get<std::uint32_t>(),
                            item.at("private_key_pem").get<std::string>()});
        }
        store.keys = std::move(keys);
    }
    if (auto it = json.find("certificates"); it != json.end()) {
        if (!it->is_array()) {
            bad_key("certificates", "must be an array");
        }
        std::vector<StoredCertificate> certificates;
        for (const auto& item : *it) {
            certificates.push_back({item.at("handle").get<std::uint32_t>(),
                                    item.at("certificate").get<std::string>(),
                                    item.value("trusted_root", false)});
        }
        store.certificates = std::move(certificates);
    }
    if (auto it = json.find("tls_credential_context"); it != json.end()) {
        store.credential_context =
            it->is_null() ? std::nullopt : std::optional(it->get<std::uint32_t>());
        if (store.credential_context &&
            std::none_of(store.certificates.begin(), store.certificates.end(),
                         [&](const StoredCertificate& c) {
                             return c.handle == *store.credential_context;
                         })) {
            bad_key("tls_credential_context", "names no certificate of 'certificates'");
        }
    }
    if (auto it = json.find("tls_committed"); it != json.end() && !it->is_null()) {
        TlsService service;
        service.remote_enabled = it->value("remote_enabled", false);
        service.remote_mutual = it->value("remote_mutual", false);
        service.local_enabled = it->value("local_enabled", false);
        service.local_mutual = it->value("local_mutual", false);
        service.certificate_base64 = it->value("certificate", "");
        service.private_key_pem = it->value("private_key_pem", "");
        service.trusted_roots = it->value("trusted_roots", std::vector<std::string>{});
        service.trusted_cn = it->value("trusted_cn", std::vector<std::string>{});
        service.generation = it->value("generation", std::uint32_t{0});
        store.committed = std::move(service);
    }
    store.clock_set = json.value("clock_set", store.clock_set);
    store.pregenerated_keys = json.value("pregenerated_keys", store.pregenerated_keys);
}

void save_certificate_store(const CertificateStore& store, nlohmann::json& json) {
    json["key_pairs"] = nlohmann::json::array();
    for (const auto& key : store.keys) {
        json["key_pairs"].push_back(
            {{"handle", key.handle}, {"private_key_pem", key.private_key_pem}});
    }
    json["certificates"] = nlohmann::json::array();
    for (const auto& cert : store.certificates) {
        json["certificates"].push_back({{"handle", cert.handle},
                                        {"certificate", cert.der_base64},
                                        {"trusted_root", cert.trusted_root}});
    }
    json["tls_credential_context"] = store.credential_context
                                         ? nlohmann::json(*store.credential_context)
                                         : nlohmann::json(nullptr);
    const auto& c = store.committed;
    json["tls_committed"] = {
        {"remote_enabled", c.remote_enabled},  {"remote_mutual", c.remote_mutual},
        {"local_enabled", c.local_enabled},    {"local_mutual", c.local_mutual},
        {"certificate", c.certificate_base64}, {"private_key_pem", c.private_key_pem},
        {"trusted_roots", c.trusted_roots},    {"trusted_cn", c.trusted_cn},
        {"generation", c.generation}};
    json["clock_set"] = store.clock_set;
    json["pregenerated_keys"] = store.pregenerated_keys;
}

} // namespace

std::uint32_t next_user_handle(const WsmanState& wsman) {
    constexpr std::uint32_t k_first_handle = 32;
    std::uint32_t next = k_first_handle;
    for (const auto& user : wsman.users) {
        next = std::max(next, user.handle + 1);
    }
    return next;
}

void load_wsman(const nlohmann::json& json, WsmanState& wsman) {
    try {
        wsman.kvm_supported = json.value("kvm_supported", wsman.kvm_supported);
        wsman.admin_ha1 = json.value("admin_password_ha1", wsman.admin_ha1);
        wsman.mebx_password = json.value("mebx_password", wsman.mebx_password);
        load_users(json, wsman);
        load_certificate_store(json, wsman.certificates);
    } catch (const nlohmann::json::exception& error) {
        throw std::runtime_error(std::string("device file WS-Man keys: ") + error.what());
    }
    load_classes(json, wsman);
    load_current_power_scheme(json, wsman);
}

void save_wsman(const WsmanState& wsman, nlohmann::json& json) {
    json["kvm_supported"] = wsman.kvm_supported;
    json["admin_password_ha1"] = wsman.admin_ha1;
    json["mebx_password"] = wsman.mebx_password;
    json["current_power_scheme"] = wsman.current_power_scheme;
    json["user_acl_page_size"] = wsman.user_acl_page_size;
    save_certificate_store(wsman.certificates, json);
    json["users"] = nlohmann::json::array();
    for (const auto& user : wsman.users) {
        json["users"].push_back({{"name", user.name},
                                 {"ha1", user.ha1},
                                 {"realms", user.realms},
                                 {"handle", user.handle},
                                 {"access_permission", user.access_permission}});
    }
    for (const auto& [name, instances] : wsman.classes) {
        json["wsman_classes"][name] = nlohmann::json::array();
        for (const auto& instance : instances) {
            json["wsman_classes"][name].push_back(instance_json(instance));
        }
    }
}

} // namespace amtcfg::sim
