// Typed calls for AMT's power packages: AMT_SystemPowerScheme and which one is current.
#pragma once

#include "amtcfg/wsman/client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

// One AMT_SystemPowerScheme instance: a power package the platform offers (Intel AMT SDK class
// reference; docs/notes/wsman-facts.md).
struct PowerScheme {
    std::string instance_id;
    std::string scheme_guid; // base64 of the package GUID
    std::string element_name;
    std::string description; // "Desktop: ON in S0, ME Wake in S3, S4-5" and the like
};
std::vector<PowerScheme> enumerate_power_schemes(Client& client);

// The InstanceID of the power scheme that CIM_ElementSettingData marks IsCurrent (1), or nullopt
// when no row does. Rows about other setting data are ignored. A current row whose SettingData
// cannot be read, or two current schemes, are an amt_unavailable Error.
std::optional<std::string> current_power_scheme(Client& client);

// SetPowerScheme on the instance `instance_id` (selector InstanceID, no arguments): makes it the
// current scheme and deactivates the others.
MethodResult set_power_scheme(Client& client, std::string_view instance_id);

} // namespace amtcfg::wsman
