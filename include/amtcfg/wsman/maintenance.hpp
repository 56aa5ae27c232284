// Typed calls for maintenance: clock, wired/wireless IP settings, admin password and users.
#pragma once

#include "amtcfg/util/secret.hpp"
#include "amtcfg/wsman/client.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

// AMT_TimeSynchronizationService. Times are Unix seconds; the caller owns the clock.
struct LowAccuracyTime {
    MethodResult result;
    std::uint32_t ta0 = 0; // AMT's clock
};
LowAccuracyTime get_low_accuracy_time_synch(Client& client);
// Ta0 echoes the Get value; Tm1 is the client's time after the Get, Tm2 just before this call.
MethodResult set_high_accuracy_time_synch(Client& client, std::uint32_t ta0, std::uint32_t tm1,
                                          std::uint32_t tm2);

// AMT_EthernetPortSettings: instance "Intel(r) AMT Ethernet Port Settings 0" is wired, "... 1"
// wireless. `raw` is kept for the Put round trip.
struct EthernetPortSettings {
    std::string instance_id;
    std::string mac_address;
    bool link_is_up = false;
    std::uint32_t physical_connection_type = 0; // 0 wired, 3 wireless
    bool dhcp_enabled = false;
    bool ip_sync_enabled = false;
    bool shared_static_ip = false;
    std::string ip_address;
    std::string subnet_mask;
    std::string default_gateway;
    std::string primary_dns;
    std::string secondary_dns;
    Element raw;
};

std::vector<EthernetPortSettings> enumerate_ethernet_port_settings(Client& client);
// Puts the DHCP/IP-sync/static fields over `raw` following reference/wsman.md section 9: with
// DHCP or IP sync on, the static address fields are left out; a manual static configuration
// needs ip_address and subnet_mask (invalid_input otherwise).
EthernetPortSettings put_ethernet_port_settings(Client& client,
                                                const EthernetPortSettings& settings);

// AMT_AuthorizationService.
// SetAdminAclEntryEx: `digest_password` is base64 of the 16 raw bytes of
// MD5(username + ":" + DigestRealm + ":" + password).
MethodResult set_admin_acl_entry_ex(Client& client, std::string_view username,
                                    const Secret& digest_password);

enum class AccessPermission : std::uint32_t { local = 0, network = 1, any = 2 };

struct AddUserResult {
    MethodResult result;
    std::uint32_t handle = 0;
};
// AddUserAclEntryEx for a digest user; `realms` are the realm numbers (2 Redirection,
// 3 PTAdministration, 4 HardwareAsset, ...); `digest_password` as for SetAdminAclEntryEx.
AddUserResult add_user_acl_entry_ex(Client& client, std::string_view username,
                                    const Secret& digest_password, AccessPermission permission,
                                    const std::vector<std::uint32_t>& realms);

struct UserHandles {
    MethodResult result;
    std::vector<std::uint32_t> handles;
};
// EnumerateUserAclEntries from StartIndex 1 until every handle is read.
UserHandles enumerate_user_acl_entries(Client& client);

struct UserAclEntry {
    MethodResult result;
    std::string username;
    std::uint32_t access_permission = 0;
    std::vector<std::uint32_t> realms;
};
UserAclEntry get_user_acl_entry_ex(Client& client, std::uint32_t handle);
// UpdateUserAclEntryEx without DigestPassword: sets the access permission and realms of the entry
// and keeps its password (Intel AMT SDK "Update a User ACL Entry": the password is sent only to
// change it; the user name always).
MethodResult update_user_acl_entry_ex(Client& client, std::uint32_t handle,
                                      std::string_view username, AccessPermission permission,
                                      const std::vector<std::uint32_t>& realms);
MethodResult remove_user_acl_entry(Client& client, std::uint32_t handle);

} // namespace amtcfg::wsman
