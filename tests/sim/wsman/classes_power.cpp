// Power packages: AMT_SystemPowerScheme (SetPowerScheme) and the CIM_ElementSettingData rows that
// say which scheme is current (Intel AMT SDK class reference; docs/notes/wsman-facts.md).
#include "wsman/classes.hpp"

#include <fmt/format.h>

namespace amtcfg::sim {
namespace {

constexpr std::uint32_t k_pt_success = 0;
constexpr std::string_view k_scheme = "AMT_SystemPowerScheme";
// CIM_ElementSettingData.IsCurrent: 1 Is Current, 2 Is Not Current.
constexpr std::string_view k_is_current = "1";
constexpr std::string_view k_is_not_current = "2";

std::vector<Instance> scheme_instances(CallContext& context) {
    return stored_instances(context.state, k_scheme);
}

// SetPowerScheme takes no arguments; the scheme is the instance the InstanceID selector names
// (an absent or unknown one is a bad selector, as for a Get). Only the admin account may call it.
MethodOutput set_power_scheme(CallContext& context, const MethodInput& input, pugi::xml_node) {
    if (context.user != "admin") {
        throw WsmanFault(fault::access_denied, "SetPowerScheme needs the admin account");
    }
    if (!input.properties().empty()) {
        throw WsmanFault(fault::invalid_parameter, "SetPowerScheme takes no arguments");
    }
    const auto& selectors = context.request.selectors;
    if (!selectors.contains("InstanceID")) {
        throw WsmanFault(fault::invalid_selectors, "SetPowerScheme needs the InstanceID selector");
    }
    for (const auto& scheme : scheme_instances(context)) {
        bool match = true;
        for (const auto& [name, value] : selectors) {
            match = match && scheme.has(name) && scheme.get(name) == value;
        }
        if (match) {
            context.state.wsman.current_power_scheme = scheme.get("InstanceID");
            return {{}, k_pt_success};
        }
    }
    throw WsmanFault(fault::invalid_selectors, "no power scheme matches the selectors");
}

constexpr MethodSpec k_scheme_methods[] = {{"SetPowerScheme", set_power_scheme}};

Instance setting_row(std::string_view is_current, std::string managed_element,
                     std::string setting_data) {
    return Instance{{"IsCurrent", std::string(is_current)},
                    {"ManagedElement", std::move(managed_element)},
                    {"SettingData", std::move(setting_data)}};
}

// One row per power scheme (IsCurrent 1 for the current one, 2 for the others), and the rows of
// the TLS settings, which are always current: a reader must look at the SettingData's class.
std::vector<Instance> element_setting_rows(CallContext& context) {
    std::string system =
        reference_xml(std::string(ns::cim_schema) + "CIM_ComputerSystem",
                      {{"CreationClassName", "CIM_ComputerSystem"}, {"Name", "ManagedSystem"}});
    std::vector<Instance> rows;
    for (const auto& tls : stored_instances(context.state, "AMT_TLSSettingData")) {
        rows.push_back(setting_row(k_is_current, system,
                                   reference_xml(std::string(ns::amt_schema) + "AMT_TLSSettingData",
                                                 {{"InstanceID", tls.get("InstanceID")}})));
    }
    for (const auto& scheme : scheme_instances(context)) {
        auto id = scheme.get("InstanceID");
        bool current = id == context.state.wsman.current_power_scheme;
        rows.push_back(setting_row(
            current ? k_is_current : k_is_not_current, system,
            reference_xml(std::string(ns::amt_schema) + std::string(k_scheme),
                          {{"CreationClassName", std::string(k_scheme)}, {"InstanceID", id}})));
    }
    return rows;
}

constexpr std::string_view k_references[] = {"ManagedElement", "SettingData"};

} // namespace

const ClassSpec k_system_power_scheme{
    "AMT_SystemPowerScheme", ns::amt_schema, scheme_instances, nullptr, {}, k_scheme_methods};
const ClassSpec k_element_setting_data{"CIM_ElementSettingData",
                                       ns::cim_schema,
                                       element_setting_rows,
                                       nullptr,
                                       {},
                                       {},
                                       nullptr,
                                       k_references};

} // namespace amtcfg::sim
