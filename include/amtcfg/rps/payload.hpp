// The activation payload (reference/rps-protocol.md section 3): the device facts the client
// sends, base64 JSON in the first message's `payload`.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <optional>
#include <string>
#include <vector>

namespace amtcfg::rps {

struct IpConfiguration {
    bool dhcp = true;
    bool is_static = false;
    bool ip_sync = true;
    std::string ip_address;
    std::string netmask;
    std::string gateway;
    std::string primary_dns;
    std::string secondary_dns;
};

struct DevicePayload {
    std::string version; // "ver": AMT's version, "16.1.25"
    std::string build;
    std::string sku;
    std::string features; // the decoded SKU, "AMT Pro Corporate"
    std::string uuid;
    std::string username; // always the local system account's name
    Secret password;      // the LSA's password before activation, else the admin password
    int current_mode = 0; // 0 pre-provisioning, 1 CCM, 2 ACM
    std::string hostname;
    std::string fqdn; // AMT's DNS suffix, else the OS's; empty blocks ACM on the server
    std::vector<std::string> cert_hashes; // hex of AMT's trusted root hashes
    IpConfiguration ip;
    std::string dns_suffix_os;
    std::optional<std::string> friendly_name;
    bool tls_enforced = false;
    bool tls_tunnel = false;
    bool progress_supported = true;
};

// The payload's JSON text; `password` shows as "********" when `mask_secrets` (--dry-run).
// The real text holds a password: the caller keeps it in a Secret.
Secret payload_json(const DevicePayload& payload, bool mask_secrets);

} // namespace amtcfg::rps
