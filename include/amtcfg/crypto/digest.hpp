// The MD5 digest passwords AMT stores instead of plain passwords (HTTP digest HA1).
#pragma once

#include "amtcfg/util/secret.hpp"

#include <string_view>

namespace amtcfg::crypto {

// Lower-case hex of MD5("admin:" + realm + ":" + password): the NetworkAdminPassword of
// IPS_HostBasedSetupService.Setup and AdminSetup (reference wsman.md section 7.1 step 3). It is
// as good as the password for digest authentication, so it is a Secret too.
Secret network_admin_password(std::string_view realm, const Secret& password);

// Base64 of the same 16 raw MD5 bytes for `user`: the DigestPassword of
// AMT_AuthorizationService.SetAdminAclEntryEx (reference wsman.md, AMT_AuthorizationService).
Secret digest_password_base64(std::string_view user, std::string_view realm,
                              const Secret& password);

} // namespace amtcfg::crypto
