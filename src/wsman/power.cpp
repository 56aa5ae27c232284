// Typed calls of AMT_SystemPowerScheme and its CIM_ElementSettingData association
// (docs/notes/wsman-facts.md, "Power packages").
#include "amtcfg/wsman/power.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/schema.hpp"
#include "properties.hpp"

#include <fmt/format.h>

namespace amtcfg::wsman {

namespace {

constexpr std::string_view k_power_scheme = "AMT_SystemPowerScheme";
constexpr std::string_view k_element_setting_data = "CIM_ElementSettingData";
// CIM_ElementSettingData.IsCurrent: 0 Unknown, 1 Is Current, 2 Is Not Current.
constexpr std::uint32_t k_is_current = 1;

Error unreadable(std::string_view why) {
    return Error(ErrorCategory::amt_unavailable,
                 fmt::format("AMT's CIM_ElementSettingData for the power scheme {}", why));
}

} // namespace

std::vector<PowerScheme> enumerate_power_schemes(Client& client) {
    std::string uri = class_uri(k_power_scheme);
    std::vector<PowerScheme> out;
    for (const auto& item : client.enumerate(uri)) {
        if (item.ns == uri && item.name == k_power_scheme) {
            out.push_back({item.property("InstanceID"), item.property("SchemeGUID"),
                           item.property("ElementName"), item.property("Description")});
        }
    }
    return out;
}

std::optional<std::string> current_power_scheme(Client& client) {
    std::string uri = class_uri(k_element_setting_data);
    std::string scheme_uri = class_uri(k_power_scheme);
    std::optional<std::string> current;
    for (const auto& item : client.enumerate(uri)) {
        if (item.ns != uri || item.name != k_element_setting_data ||
            detail::u32_property(item, "IsCurrent") != k_is_current) {
            continue;
        }
        const Element* setting = item.find(uri, "SettingData");
        if (setting == nullptr) {
            throw unreadable("marked current has no SettingData");
        }
        EndpointReference reference;
        try {
            reference = parse_endpoint_reference(*setting);
        } catch (const DecodeError& e) {
            throw unreadable(fmt::format("marked current is unreadable: {}", e.what()));
        }
        if (reference.resource_uri != scheme_uri) {
            continue; // the current row of some other setting data
        }
        std::string id = reference.selector("InstanceID");
        if (id.empty()) {
            throw unreadable("marked current names no InstanceID");
        }
        if (current && *current != id) {
            throw unreadable(
                fmt::format("marks two schemes current ('{}' and '{}')", *current, id));
        }
        current = std::move(id);
    }
    return current;
}

MethodResult set_power_scheme(Client& client, std::string_view instance_id) {
    return client.invoke(class_uri(k_power_scheme), "SetPowerScheme", {},
                         {{"InstanceID", std::string(instance_id)}});
}

} // namespace amtcfg::wsman
