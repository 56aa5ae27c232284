// The simulated AMT device: every fact the ME exposes, one model object shared by all its faces.
#pragma once

#include "device_wsman.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace amtcfg::sim {

// One trusted root certificate hash (AMTHI GetCertHashEntry, WS-Man
// AMT_ProvisioningCertificateHash).
struct CertHash {
    std::string name;
    std::string algorithm; // "md5", "sha1", "sha256", "sha384", "sha224", "sha512"
    std::string hash;      // lower-case hex, as long as the algorithm's digest
    bool is_default = true;
    bool active = true;
};

// One LAN interface as AMTHI GetLANInterfaceSettings reports it.
struct LanInterface {
    std::string interface; // "wired" (index 0) or "wireless" (index 1)
    bool enabled = true;
    bool dhcp = true;
    std::string dhcp_mode = "passive"; // "active" or "passive"
    bool link_up = true;
    std::string ip;  // dotted quad
    std::string mac; // six hex pairs separated by ':'
};

// One row of the GetCodeVersions table (AMT_UNICODE_STRING pairs, at most 19 characters each).
struct CodeVersion {
    std::string description;
    std::string version;
};

// What CONNECT reports for one ME client, and whether the client exists at all.
struct MeClient {
    std::uint32_t max_msg_length = 5120;
    std::uint8_t protocol_version = 1;
    bool present = true;
    bool single_instance = true; // a second open connection gets EBUSY (mei-heci.md 7.1)
};

struct MeClients {
    MeClient amthi;
    MeClient lme;
    MeClient watchdog{512, 1, true, true};
    MeClient mkhi{2048, 1, true, true};
};

// The watchdog ("Manageability") client: IsChangeToAMTEnabled bits 0, 1, 5, 7 (bit 6 is
// tls_enforced) and the AMT <= 11 behaviour of never answering (mei-heci.md 5).
struct Watchdog {
    bool transition_allowed = true;
    bool amt_enabled = true;
    bool cira_periodic_fix = false;
    bool new_interface = true;
    bool no_reply = false;
};

// Secure Host-Based Configuration in progress (AMT 19+, AMTHI StartConfigurationHBased,
// wsman.md 7.4): the provisioning server's leaf-certificate hash the client committed to, which
// the TLS server then demands as client certificate, and what StopConfiguration restores.
struct ShbcContext {
    bool pending = false;
    std::uint8_t algorithm = 2;   // 2 SHA-256, 3 SHA-384 (amthi.md 3.2)
    std::string server_cert_hash; // lower-case hex, as long as the algorithm's digest
    std::string mebx_before;      // the MEBx password before the setup began
};

// The whole device. Key names are the device-file keys (tests/sim/README.md).
struct DeviceState {
    std::string amt_version = "16.1.25";
    std::string build = "2051";
    std::string sku = "16392";
    std::string uuid = "8c8a0a58-1d23-4c5e-9a3b-5e2f1a7c9d01"; // as printed (SMBIOS order)
    int control_mode = 0;                                      // 0 none, 1 CCM, 2 ACM
    int provisioning_state = 0;                                // 0 pre, 1 in, 2 post
    std::string dns_suffix;                                    // "" = none
    std::vector<CertHash> cert_hashes;
    bool tls_enforced = false;
    std::string realm = "Digest:A3829B3827DE4D33D4449B366831B8B5";
    std::string admin_password; // "" until activated
    std::string hostname = "simhost";
    std::string domain;
    std::int64_t clock_offset_seconds = 0;

    std::string bios_version = "SIMBIOS.0001.2026.0101";
    // Rows added to, or replacing by description, the table derived from amt_version/build/sku.
    std::vector<CodeVersion> code_versions;
    std::vector<LanInterface> lan;
    std::string lsa_username = "$$OsAdmin";
    std::string lsa_password = "Lsa-Pass-0123456789abcdef";
    MeClients clients;
    Watchdog watchdog;
    WsmanState wsman; // what only WS-Man sees: class instances, users, admin digest
    ShbcContext shbc; // "in provisioning" by StartConfigurationHBased (device-file key "shbc")
};

// The major number of `amt_version` ("19.0.5" -> 19; 0 when it does not start with one).
int amt_major(const DeviceState& device);

// The default device: AMT 16.1.25, pre-provisioning, a wired LAN, two default root hashes.
DeviceState default_device();
// Back to factory state, as Unprovision (AMTHI or WS-Man) leaves AMT: pre-provisioning, the
// admin password, user ACL and user-added hashes gone, settings-type classes reset.
void unprovision_device(DeviceState& state);

// The 16 bytes GetUUID sends for a printed UUID: the first three fields little-endian, the rest
// as printed (amthi.md 3.2, SMBIOS order). Throws std::runtime_error on a malformed UUID.
std::array<std::uint8_t, 16> uuid_wire_bytes(const std::string& uuid);

// "a.b.c.d" as AMTHI sends it: a u32 with the first octet in the most significant byte; "" is 0.
std::uint32_t ipv4_value(const std::string& ip);
// "aa:bb:cc:dd:ee:ff" (or with '-') as six bytes.
std::array<std::uint8_t, 6> mac_bytes(const std::string& mac);

// The GetCodeVersions table: Flash, Netstack, AMTApps, AMT, Sku, VendorID, Build Number,
// Recovery Version, Recovery Build Num, Legacy Mode (amthi.md 3.2), then the overrides.
std::vector<CodeVersion> code_version_table(const DeviceState& device);

// Reads the device-file keys present in `json` over `device` (missing keys keep their value);
// throws std::runtime_error naming the key on a wrong type or value, leaving `device` as it was.
void load_device(const nlohmann::json& json, DeviceState& device);
nlohmann::json save_device(const DeviceState& device);

// Loads a device file over the default device.
DeviceState read_device_file(const std::string& path);
// Writes a device file 0600 through a temporary file and a rename (it may hold passwords).
void write_device_file(const std::string& path, const DeviceState& device);

// The one device object all simulator faces share. The LMS listener runs on its own thread,
// so every access holds the mutex; modify() marks the device changed and calls the change hook.
class DeviceModel {
public:
    explicit DeviceModel(DeviceState state) : m_state(std::move(state)) {}

    template <class F> auto read(F&& f) const {
        std::lock_guard lock(m_mutex);
        return f(static_cast<const DeviceState&>(m_state));
    }
    template <class F> auto modify(F&& f) {
        std::lock_guard lock(m_mutex);
        m_changed = true;
        if constexpr (std::is_void_v<decltype(f(m_state))>) {
            f(m_state);
            changed_now();
        } else {
            auto result = f(m_state);
            changed_now();
            return result;
        }
    }
    // Called under the lock after every successful modify() with the new state: the simulator
    // saves the state file there, because firmware keeps a change the moment it makes it, so a
    // killed amtcfg must leave the device as AMT would be, not as it was before the run.
    void on_change(std::function<void(const DeviceState&)> hook) {
        std::lock_guard lock(m_mutex);
        m_on_change = std::move(hook);
    }
    DeviceState snapshot() const {
        std::lock_guard lock(m_mutex);
        return m_state;
    }
    bool changed() const {
        std::lock_guard lock(m_mutex);
        return m_changed;
    }

private:
    void changed_now() {
        if (m_on_change) {
            m_on_change(m_state);
        }
    }

    mutable std::mutex m_mutex;
    DeviceState m_state;
    bool m_changed = false;
    std::function<void(const DeviceState&)> m_on_change;
};

} // namespace amtcfg::sim
