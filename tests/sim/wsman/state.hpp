// The simulated AMT's WS-Man-visible state: identity, provisioning, accounts, class instances.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amtcfg::sim {

// One CIM instance: properties in schema order; a repeated property (LinkPolicy,
// AllowedControlModes) appears once per value.
class Instance {
public:
    Instance() = default;
    Instance(std::initializer_list<std::pair<std::string, std::string>> props) : m_props(props) {}

    bool has(std::string_view name) const;
    std::string get(std::string_view name) const; // first value, "" when absent
    std::vector<std::string> values(std::string_view name) const;
    // Replaces every value of `name` (appends the property when it is new).
    void set(std::string_view name, std::string value);
    void set_values(std::string_view name, const std::vector<std::string> &values);
    void add(std::string name, std::string value) {
        m_props.emplace_back(std::move(name), std::move(value));
    }
    void erase(std::string_view name);
    const std::vector<std::pair<std::string, std::string>> &properties() const { return m_props; }

private:
    std::vector<std::pair<std::string, std::string>> m_props;
};

struct CertHash {
    std::string name;
    std::string algorithm; // "sha256", "sha384", "sha1"
    std::string hash;      // lowercase hex
    bool is_default = true;
    bool active = true;
};

struct UserAcl {
    std::string name;
    std::string ha1; // MD5(name:realm:password) hex
    std::vector<std::string> realms;
};

// Everything a WS-Man client can observe or change. Values named as in the device file
// (DESIGN.md section 3). ProvisioningState 0 pre, 1 in, 2 post; control mode 0 none, 1 CCM,
// 2 ACM.
struct AmtState {
    std::string uuid = "8c8a0a58-1d23-4c5e-9a3b-5e2f1a7c9d01";
    std::string amt_version = "16.1.25";
    std::string build = "2051";
    std::string sku = "16392";
    std::string realm = "Digest:A3829B3827DE4D33D4449B366831B8B5";
    int provisioning_state = 0;
    int control_mode = 0;
    bool tls_enforced = false;
    bool kvm_supported = true;
    std::string lsa_user = "$$OsAdmin";
    std::string lsa_password = "Lsa-Pass-0123456789abcdef";
    std::string admin_ha1; // empty until activation: MD5(admin:realm:password) hex
    std::string mebx_password = "admin";
    std::string dns_suffix;
    std::string hostname = "simhost";
    std::string domain;
    std::vector<CertHash> cert_hashes;
    std::int64_t clock_offset_seconds = 0;
    std::vector<UserAcl> users;
    // Settings-type classes (GeneralSettings extras, ports, redirection, KVM, opt-in):
    // class name -> instances. Filled with defaults by reset_instances().
    std::map<std::string, std::vector<Instance>, std::less<>> classes;

    bool activated() const { return control_mode != 0; }
};

// The factory settings of every settings-type class (what unprovisioning returns to).
void reset_instances(AmtState &state);
// The state a fresh default device has (AMT 16, pre-provisioning, two default root hashes).
AmtState default_state();

// Device-file keys this part of the simulator owns (DESIGN.md section 3); missing keys keep the
// values already in `state`.
void load_state(const nlohmann::json &json, AmtState &state);
void save_state(const AmtState &state, nlohmann::json &json);

} // namespace amtcfg::sim
