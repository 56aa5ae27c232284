// Device files: JSON over the default device, and saving the device back (--state).
#include "device.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace amtcfg::sim {

namespace {

using nlohmann::json;

[[noreturn]] void bad_key(const std::string& key, const std::string& why) {
    throw std::runtime_error("device file key '" + key + "': " + why);
}

// Copies json[key] into `out` when the key is present; a wrong type names the key.
template <class T> void take(const json& j, const std::string& key, T& out) {
    auto it = j.find(key);
    if (it == j.end()) {
        return;
    }
    try {
        out = it->template get<T>();
    } catch (const json::exception& e) {
        bad_key(key, e.what());
    }
}

// A string key that also accepts null for "none" (dns_suffix, admin_password).
void take_optional_string(const json& j, const std::string& key, std::string& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_null()) {
        out.clear();
        return;
    }
    take(j, key, out);
}

void check_range(const std::string& key, int value, int low, int high) {
    if (value < low || value > high) {
        bad_key(key, "must be " + std::to_string(low) + ".." + std::to_string(high));
    }
}

std::size_t digest_size(const std::string& algorithm) {
    if (algorithm == "md5")
        return 16;
    if (algorithm == "sha1")
        return 20;
    if (algorithm == "sha224")
        return 28;
    if (algorithm == "sha256")
        return 32;
    if (algorithm == "sha384")
        return 48;
    if (algorithm == "sha512")
        return 64;
    return 0;
}

CertHash cert_hash_from(const json& j, std::size_t index) {
    std::string key = "cert_hashes[" + std::to_string(index) + "]";
    if (!j.is_object()) {
        bad_key(key, "must be an object");
    }
    CertHash hash;
    take(j, "name", hash.name);
    take(j, "algorithm", hash.algorithm);
    take(j, "hash", hash.hash);
    take(j, "default", hash.is_default);
    take(j, "active", hash.active);
    std::size_t size = digest_size(hash.algorithm);
    if (size == 0) {
        bad_key(key + ".algorithm", "must be md5, sha1, sha224, sha256, sha384 or sha512");
    }
    if (hash.hash.size() != size * 2 ||
        hash.hash.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        bad_key(key + ".hash", "must be " + std::to_string(size * 2) + " hex digits");
    }
    return hash;
}

LanInterface lan_from(const json& j, std::size_t index) {
    std::string key = "lan[" + std::to_string(index) + "]";
    if (!j.is_object()) {
        bad_key(key, "must be an object");
    }
    LanInterface lan;
    take(j, "interface", lan.interface);
    take(j, "enabled", lan.enabled);
    take(j, "dhcp", lan.dhcp);
    take(j, "dhcp_mode", lan.dhcp_mode);
    take(j, "link_up", lan.link_up);
    take(j, "ip", lan.ip);
    take(j, "mac", lan.mac);
    if (lan.interface != "wired" && lan.interface != "wireless") {
        bad_key(key + ".interface", "must be wired or wireless");
    }
    try {
        ipv4_value(lan.ip);
        mac_bytes(lan.mac);
    } catch (const std::runtime_error& e) {
        bad_key(key, e.what());
    }
    if (lan.dhcp_mode != "active" && lan.dhcp_mode != "passive") {
        bad_key(key + ".dhcp_mode", "must be active or passive");
    }
    return lan;
}

void load_client(const json& j, const std::string& name, MeClient& client) {
    auto it = j.find(name);
    if (it == j.end()) {
        return;
    }
    if (!it->is_object()) {
        bad_key("clients." + name, "must be an object");
    }
    take(*it, "max_msg_length", client.max_msg_length);
    take(*it, "protocol_version", client.protocol_version);
    take(*it, "present", client.present);
    take(*it, "single_instance", client.single_instance);
    if (client.max_msg_length < 16) {
        bad_key("clients." + name + ".max_msg_length", "must be at least 16");
    }
}

void load_lists(const json& j, DeviceState& device) {
    if (auto it = j.find("cert_hashes"); it != j.end()) {
        if (!it->is_array())
            bad_key("cert_hashes", "must be an array");
        device.cert_hashes.clear();
        for (std::size_t i = 0; i < it->size(); ++i) {
            device.cert_hashes.push_back(cert_hash_from((*it)[i], i));
        }
    }
    if (auto it = j.find("lan"); it != j.end()) {
        if (!it->is_array())
            bad_key("lan", "must be an array");
        device.lan.clear();
        for (std::size_t i = 0; i < it->size(); ++i) {
            device.lan.push_back(lan_from((*it)[i], i));
        }
    }
    if (auto it = j.find("code_versions"); it != j.end()) {
        if (!it->is_object())
            bad_key("code_versions", "must be an object of strings");
        device.code_versions.clear();
        for (const auto& [description, version] : it->items()) {
            if (!version.is_string())
                bad_key("code_versions." + description, "must be a string");
            device.code_versions.push_back({description, version.get<std::string>()});
        }
    }
}

void load_me_side(const json& j, DeviceState& device) {
    take(j, "bios_version", device.bios_version);
    if (device.bios_version.size() > 64)
        bad_key("bios_version", "must be at most 64 characters");
    if (auto it = j.find("local_system_account"); it != j.end()) {
        take(*it, "username", device.lsa_username);
        take(*it, "password", device.lsa_password);
        if (device.lsa_username.size() > 32 || device.lsa_password.size() > 32) {
            bad_key("local_system_account", "username and password must be at most 32 characters");
        }
    }
    if (auto it = j.find("clients"); it != j.end()) {
        if (!it->is_object())
            bad_key("clients", "must be an object");
        load_client(*it, "amthi", device.clients.amthi);
        load_client(*it, "lme", device.clients.lme);
        load_client(*it, "watchdog", device.clients.watchdog);
        load_client(*it, "mkhi", device.clients.mkhi);
    }
    if (auto it = j.find("watchdog"); it != j.end()) {
        if (!it->is_object())
            bad_key("watchdog", "must be an object");
        take(*it, "transition_allowed", device.watchdog.transition_allowed);
        take(*it, "amt_enabled", device.watchdog.amt_enabled);
        take(*it, "cira_periodic_fix", device.watchdog.cira_periodic_fix);
        take(*it, "new_interface", device.watchdog.new_interface);
        take(*it, "no_reply", device.watchdog.no_reply);
    }
}

void check_lengths(const DeviceState& device) {
    for (const auto& row : code_version_table(device)) {
        if (row.description.size() > 19 || row.version.size() > 19) {
            bad_key("code_versions", "'" + row.description +
                                         "' and its version must be at most "
                                         "19 characters (AMT_UNICODE_STRING)");
        }
    }
    if (device.dns_suffix.size() > 255)
        bad_key("dns_suffix", "must be at most 255 characters");
}

// "shbc": null, or {"algorithm": 2|3, "server_cert_hash": hex, "mebx_before": string}.
void load_shbc(const json& j, DeviceState& device) {
    auto it = j.find("shbc");
    if (it == j.end())
        return;
    if (it->is_null()) {
        device.shbc = ShbcContext{};
        return;
    }
    if (!it->is_object())
        bad_key("shbc", "must be null or an object");
    ShbcContext shbc;
    shbc.pending = true;
    int algorithm = 2;
    take(*it, "algorithm", algorithm);
    check_range("shbc.algorithm", algorithm, 2, 3);
    shbc.algorithm = static_cast<std::uint8_t>(algorithm);
    take(*it, "server_cert_hash", shbc.server_cert_hash);
    take(*it, "mebx_before", shbc.mebx_before);
    std::size_t size = algorithm == 2 ? 64 : 96;
    if (shbc.server_cert_hash.size() != size ||
        shbc.server_cert_hash.find_first_not_of("0123456789abcdef") != std::string::npos)
        bad_key("shbc", "server_cert_hash must be " + std::to_string(size) + " lower-case hex");
    device.shbc = shbc;
}

json client_json(const MeClient& c) {
    return {{"max_msg_length", c.max_msg_length},
            {"protocol_version", c.protocol_version},
            {"present", c.present},
            {"single_instance", c.single_instance}};
}

} // namespace

void load_device(const json& j, DeviceState& target) {
    if (!j.is_object()) {
        throw std::runtime_error("a device file must hold one JSON object");
    }
    DeviceState device = target; // all or nothing: `target` is untouched when a key is bad
    take(j, "amt_version", device.amt_version);
    take(j, "build", device.build);
    take(j, "sku", device.sku);
    take(j, "uuid", device.uuid);
    try {
        uuid_wire_bytes(device.uuid);
    } catch (const std::runtime_error& e) {
        bad_key("uuid", e.what());
    }
    take(j, "control_mode", device.control_mode);
    check_range("control_mode", device.control_mode, 0, 2);
    take(j, "provisioning_state", device.provisioning_state);
    check_range("provisioning_state", device.provisioning_state, 0, 2);
    take_optional_string(j, "dns_suffix", device.dns_suffix);
    take(j, "tls_enforced", device.tls_enforced);
    take(j, "realm", device.realm);
    take_optional_string(j, "admin_password", device.admin_password);
    take(j, "hostname", device.hostname);
    take_optional_string(j, "domain", device.domain);
    take(j, "clock_offset_seconds", device.clock_offset_seconds);
    load_lists(j, device);
    load_me_side(j, device);
    load_wsman(j, device.wsman);
    load_shbc(j, device);
    check_lengths(device);
    target = std::move(device);
}

json save_device(const DeviceState& d) {
    json hashes = json::array();
    for (const auto& h : d.cert_hashes) {
        hashes.push_back({{"name", h.name},
                          {"algorithm", h.algorithm},
                          {"hash", h.hash},
                          {"default", h.is_default},
                          {"active", h.active}});
    }
    json lan = json::array();
    for (const auto& l : d.lan) {
        lan.push_back({{"interface", l.interface},
                       {"enabled", l.enabled},
                       {"dhcp", l.dhcp},
                       {"dhcp_mode", l.dhcp_mode},
                       {"link_up", l.link_up},
                       {"ip", l.ip},
                       {"mac", l.mac}});
    }
    json versions = json::object();
    for (const auto& row : d.code_versions) {
        versions[row.description] = row.version;
    }
    json out = {
        {"amt_version", d.amt_version},
        {"build", d.build},
        {"sku", d.sku},
        {"uuid", d.uuid},
        {"control_mode", d.control_mode},
        {"provisioning_state", d.provisioning_state},
        {"dns_suffix", d.dns_suffix.empty() ? json(nullptr) : json(d.dns_suffix)},
        {"cert_hashes", hashes},
        {"tls_enforced", d.tls_enforced},
        {"realm", d.realm},
        {"admin_password", d.admin_password.empty() ? json(nullptr) : json(d.admin_password)},
        {"hostname", d.hostname},
        {"domain", d.domain},
        {"clock_offset_seconds", d.clock_offset_seconds},
        {"bios_version", d.bios_version},
        {"code_versions", versions},
        {"lan", lan},
        {"local_system_account", {{"username", d.lsa_username}, {"password", d.lsa_password}}},
        {"clients",
         {{"amthi", client_json(d.clients.amthi)},
          {"lme", client_json(d.clients.lme)},
          {"watchdog", client_json(d.clients.watchdog)},
          {"mkhi", client_json(d.clients.mkhi)}}},
        {"watchdog",
         {{"transition_allowed", d.watchdog.transition_allowed},
          {"amt_enabled", d.watchdog.amt_enabled},
          {"cira_periodic_fix", d.watchdog.cira_periodic_fix},
          {"new_interface", d.watchdog.new_interface},
          {"no_reply", d.watchdog.no_reply}}}};
    save_wsman(d.wsman, out);
    out["shbc"] = d.shbc.pending ? json{{"algorithm", d.shbc.algorithm},
                                        {"server_cert_hash", d.shbc.server_cert_hash},
                                        {"mebx_before", d.shbc.mebx_before}}
                                 : json(nullptr);
    return out;
}

DeviceState read_device_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read device file " + path);
    }
    DeviceState device = default_device();
    try {
        load_device(json::parse(in), device);
    } catch (const json::parse_error& e) {
        throw std::runtime_error(path + ": not valid JSON: " + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    return device;
}

void write_device_file(const std::string& path, const DeviceState& device) {
    std::string temp = path + ".tmp." + std::to_string(::getpid());
    std::string text = save_device(device).dump(2) + "\n";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot write state file " + temp);
    }
    auto written = ::write(fd, text.data(), text.size());
    bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        throw std::runtime_error("cannot write state file " + path);
    }
}

} // namespace amtcfg::sim
