// The WS-Man side of the simulated device: class instances, users, the admin digest.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
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
    void set_values(std::string_view name, const std::vector<std::string>& values);
    void add(std::string name, std::string value) {
        m_props.emplace_back(std::move(name), std::move(value));
    }
    void erase(std::string_view name);
    const std::vector<std::pair<std::string, std::string>>& properties() const { return m_props; }

private:
    std::vector<std::pair<std::string, std::string>> m_props;
};

// One digest entry of the user ACL (AMT_AuthorizationService). The handle is opaque and stays
// the entry's for its lifetime; it is not the entry's position in EnumerateUserAclEntries.
struct UserAcl {
    std::string name;
    std::string ha1; // MD5(name:realm:password) hex
    std::vector<std::string> realms;
    std::uint32_t handle = 0;            // 0: not given yet (a device file may leave it out)
    std::uint32_t access_permission = 2; // 0 local, 1 network, 2 any
};

// AMT's certificate store (AMT_PublicKeyManagementService, wsman.md sections 6 and 8): key
// pairs generated inside AMT, certificates added to it, the TLS credential context, and the
// TLS service CommitChanges last applied. Handles are opaque numbers, one more than the
// largest in use of their kind, from 0 on (saved, so they stay stable across runs).
struct StoredKeyPair {
    std::uint32_t handle = 0;
    std::string private_key_pem; // test data: the simulated firmware's own key
};
struct StoredCertificate {
    std::uint32_t handle = 0;
    std::string der_base64;    // X509Certificate
    bool trusted_root = false; // AddTrustedRootCertificate
};
// What 16993 serves, as the last CommitChanges applied it (Put alone changes nothing served).
struct TlsService {
    bool remote_enabled = false;
    bool remote_mutual = false;
    bool local_enabled = false;
    bool local_mutual = false;
    std::string certificate_base64;         // the credential context's certificate, DER
    std::string private_key_pem;            // its key from the key store
    std::vector<std::string> trusted_roots; // DER base64, for mutual authentication
    std::vector<std::string> trusted_cn;    // of the setting that demands mutual authentication
    std::uint32_t generation = 0;           // commits that changed TLS: a TLS service restart
};
struct CertificateStore {
    std::vector<StoredKeyPair> keys;
    std::vector<StoredCertificate> certificates;
    // AMT_TLSCredentialContext: the handle of its ElementInContext certificate, if it exists.
    std::optional<std::uint32_t> credential_context;
    TlsService committed;
    // Whether AMT's clock was set (SetHighAccuracyTimeSynch) since the device was provisioned:
    // mutual authentication needs it (wsman.md section 8).
    bool clock_set = false;
    // A test knob, not firmware state: private keys (PEM) GenerateKeyPair hands out, in order,
    // before it makes fresh ones, so a test can issue a certificate for "the key AMT will
    // generate" beforehand (e.g. for a CA mock that answers with a fixed certificate).
    std::vector<std::string> pregenerated_keys;
};

// What only the WS-Man side of the device keeps (DeviceState::wsman). The identity,
// provisioning state, realm, passwords, hashes and LAN are DeviceState's own fields.
struct WsmanState {
    bool kvm_supported = true;
    // The admin account's digest HA1 after a WS-Man password change (Setup,
    // SetAdminAclEntryEx), when the plain password is no longer known; wins over
    // DeviceState::admin_password.
    std::string admin_ha1;
    std::string mebx_password = "admin";
    std::vector<UserAcl> users;
    // Handles per EnumerateUserAclEntries answer (AMT: 50); smaller values exercise paging.
    std::uint32_t user_acl_page_size = 50;
    // Settings-type classes (GeneralSettings extras, ports, redirection, KVM, opt-in, TLS):
    // class name -> instances. Filled with factory defaults by reset_instances().
    std::map<std::string, std::vector<Instance>, std::less<>> classes;
    // The InstanceID of the AMT_SystemPowerScheme that is current ("" = none). The schemes are
    // the platform's power packages, classes["AMT_SystemPowerScheme"]; unprovisioning keeps both.
    std::string current_power_scheme;
    CertificateStore certificates;
};

// The two desktop power packages (Intel AMT 6.0+), the first one current.
void default_power_schemes(WsmanState& wsman);

// The handle for a new user ACL entry: one more than the largest in use, from 32 on (the
// simulator's choice: real handles are opaque numbers, and these never equal a position).
std::uint32_t next_user_handle(const WsmanState& wsman);

// Factory settings of every settings-type class (also what unprovisioning returns to).
void reset_instances(WsmanState& wsman);

// The WS-Man keys of a device file: kvm_supported, admin_password_ha1, mebx_password, users,
// wsman_classes, current_power_scheme (default when the file lists power schemes: the first),
// key_pairs, certificates, tls_credential_context, tls_committed, clock_set.
// Missing keys keep their value; throws std::runtime_error on a bad value.
void load_wsman(const nlohmann::json& json, WsmanState& wsman);
void save_wsman(const WsmanState& wsman, nlohmann::json& json);

} // namespace amtcfg::sim
