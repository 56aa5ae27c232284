// Device-file (JSON) reading and writing for the WS-Man part of the simulated AMT.
#include "wsman/digest.hpp"
#include "wsman/state.hpp"

#include <nlohmann/json.hpp>

namespace amtcfg::sim {
namespace {

template <typename T> void take(const nlohmann::json &json, const char *key, T &out) {
    if (json.contains(key) && !json.at(key).is_null()) {
        out = json.at(key).get<T>();
    }
}

void load_hashes(const nlohmann::json &json, AmtState &state) {
    if (!json.contains("cert_hashes")) {
        return;
    }
    state.cert_hashes.clear();
    for (const auto &item : json.at("cert_hashes")) {
        CertHash hash;
        take(item, "name", hash.name);
        take(item, "algorithm", hash.algorithm);
        take(item, "hash", hash.hash);
        take(item, "default", hash.is_default);
        take(item, "active", hash.active);
        state.cert_hashes.push_back(hash);
    }
}

void load_classes(const nlohmann::json &json, AmtState &state) {
    if (!json.contains("wsman_classes")) {
        return;
    }
    for (const auto &[name, items] : json.at("wsman_classes").items()) {
        std::vector<Instance> instances;
        for (const auto &item : items) {
            Instance instance;
            for (const auto &[key, value] : item.items()) {
                for (const auto &one : value.is_array() ? value : nlohmann::json::array({value})) {
                    instance.add(key, one.get<std::string>());
                }
            }
            instances.push_back(instance);
        }
        state.classes[name] = instances;
    }
}

nlohmann::json save_instance(const Instance &instance) {
    nlohmann::json item = nlohmann::json::object();
    for (const auto &[key, value] : instance.properties()) {
        auto values = instance.values(key);
        if (values.size() > 1) {
            item[key] = values;
        } else {
            item[key] = value;
        }
    }
    return item;
}

} // namespace

void load_state(const nlohmann::json &json, AmtState &state) {
    take(json, "uuid", state.uuid);
    take(json, "amt_version", state.amt_version);
    take(json, "build", state.build);
    take(json, "sku", state.sku);
    take(json, "realm", state.realm);
    take(json, "provisioning_state", state.provisioning_state);
    take(json, "control_mode", state.control_mode);
    take(json, "tls_enforced", state.tls_enforced);
    take(json, "kvm_supported", state.kvm_supported);
    take(json, "lsa_password", state.lsa_password);
    take(json, "mebx_password", state.mebx_password);
    take(json, "dns_suffix", state.dns_suffix);
    take(json, "hostname", state.hostname);
    take(json, "domain", state.domain);
    take(json, "clock_offset_seconds", state.clock_offset_seconds);
    take(json, "admin_password_ha1", state.admin_ha1);
    if (json.contains("admin_password") && json.at("admin_password").is_string()) {
        state.admin_ha1 =
            digest_ha1("admin", state.realm, json.at("admin_password").get<std::string>());
    }
    load_hashes(json, state);
    if (json.contains("users")) {
        state.users.clear();
        for (const auto &item : json.at("users")) {
            state.users.push_back({item.value("name", ""), item.value("ha1", ""),
                                   item.value("realms", std::vector<std::string>{})});
        }
    }
    load_classes(json, state);
}

void save_state(const AmtState &state, nlohmann::json &json) {
    json["uuid"] = state.uuid;
    json["amt_version"] = state.amt_version;
    json["build"] = state.build;
    json["sku"] = state.sku;
    json["realm"] = state.realm;
    json["provisioning_state"] = state.provisioning_state;
    json["control_mode"] = state.control_mode;
    json["tls_enforced"] = state.tls_enforced;
    json["kvm_supported"] = state.kvm_supported;
    json["lsa_password"] = state.lsa_password;
    json["mebx_password"] = state.mebx_password;
    json["dns_suffix"] =
        state.dns_suffix.empty() ? nlohmann::json() : nlohmann::json(state.dns_suffix);
    json["hostname"] = state.hostname;
    json["domain"] = state.domain;
    json["clock_offset_seconds"] = state.clock_offset_seconds;
    json.erase("admin_password"); // only the digest HA1 is known after a WS-Man password change
    json["admin_password_ha1"] = state.admin_ha1;
    json["cert_hashes"] = nlohmann::json::array();
    for (const auto &hash : state.cert_hashes) {
        json["cert_hashes"].push_back({{"name", hash.name},
                                       {"algorithm", hash.algorithm},
                                       {"hash", hash.hash},
                                       {"default", hash.is_default},
                                       {"active", hash.active}});
    }
    json["users"] = nlohmann::json::array();
    for (const auto &user : state.users) {
        json["users"].push_back({{"name", user.name}, {"ha1", user.ha1}, {"realms", user.realms}});
    }
    for (const auto &[name, instances] : state.classes) {
        json["wsman_classes"][name] = nlohmann::json::array();
        for (const auto &instance : instances) {
            json["wsman_classes"][name].push_back(save_instance(instance));
        }
    }
}

} // namespace amtcfg::sim
