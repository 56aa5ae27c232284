// Redirection and consent classes: AMT_RedirectionService, CIM_KVMRedirectionSAP,
// IPS_KVMRedirectionSettingData, IPS_OptInService (wsman.md sections 6 and 9).
#include "wsman/classes.hpp"

#include <fmt/format.h>

namespace amtcfg::sim {
namespace {

using enum PropKind;
constexpr auto ro = Access::read_only;
// CIM RequestStateChange results (CIM_EnabledLogicalElement).
constexpr std::uint32_t k_rsc_completed = 0;
constexpr std::uint32_t k_rsc_invalid_parameter = 5;
constexpr std::string_view k_opt_in_all = "4294967295";

Instance& stored_singleton(DeviceState& state, std::string_view class_name) {
    return state.wsman.classes[std::string(class_name)].at(0);
}

constexpr PropRule k_redirection_rules[] = {
    {"CreationClassName", string, ro},
    {"ElementName", string, ro},
    {"EnabledState", uint32, ro},
    {"ListenerEnabled", boolean},
    {"Name", string, ro},
    {"SystemCreationClassName", string, ro},
    {"SystemName", string, ro},
};

std::vector<Instance> redirection_instances(CallContext& context) {
    return stored_instances(context.state, "AMT_RedirectionService");
}

MethodOutput redirection_state_change(CallContext& context, const MethodInput& input,
                                      pugi::xml_node) {
    auto requested = uint_arg(input, "RequestedState");
    if (!requested || *requested < 32768 || *requested > 32771) {
        return {{}, k_rsc_invalid_parameter};
    }
    stored_singleton(context.state, "AMT_RedirectionService")
        .set("EnabledState", std::to_string(*requested));
    return {{}, k_rsc_completed};
}

constexpr MethodSpec k_redirection_methods[] = {{"RequestStateChange", redirection_state_change}};

bool kvm_reachable(const DeviceState& state) {
    return state.wsman.kvm_supported;
}

std::vector<Instance> kvm_instances(CallContext& context) {
    return stored_instances(context.state, "CIM_KVMRedirectionSAP");
}

// 2 enables (reported as 6, enabled but offline, while no session runs), 3 disables.
MethodOutput kvm_state_change(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto requested = uint_arg(input, "RequestedState");
    if (!requested || (*requested != 2 && *requested != 3)) {
        return {{}, k_rsc_invalid_parameter};
    }
    auto& sap = stored_singleton(context.state, "CIM_KVMRedirectionSAP");
    sap.set("RequestedState", std::to_string(*requested));
    sap.set("EnabledState", *requested == 2 ? "6" : "3");
    return {{}, k_rsc_completed};
}

constexpr MethodSpec k_kvm_methods[] = {{"RequestStateChange", kvm_state_change}};

constexpr PropRule k_kvm_setting_rules[] = {
    {"BackToBackFbMode", boolean},  {"DefaultScreen", uint8},       {"ElementName", string, ro},
    {"EnabledByMEBx", boolean, ro}, {"InstanceID", string, ro},     {"Is5900PortEnabled", boolean},
    {"OptInPolicy", boolean},       {"OptInPolicyTimeout", uint16}, {"RFBPassword", string},
    {"SessionTimeout", uint16},
};

std::vector<Instance> kvm_setting_instances(CallContext& context) {
    auto instances = stored_instances(context.state, "IPS_KVMRedirectionSettingData");
    for (auto& instance : instances) {
        instance.erase("RFBPassword"); // write-only
    }
    return instances;
}

void kvm_setting_put(CallContext& context, const Instance& current, const Instance& merged) {
    auto stored = stored_singleton(context.state, "IPS_KVMRedirectionSettingData");
    bool has_password = !merged.get("RFBPassword").empty() || stored.has("RFBPassword");
    if (merged.get("Is5900PortEnabled") == "true" && !has_password) {
        throw WsmanFault(fault::invalid_representation, "Is5900PortEnabled needs an RFBPassword");
    }
    Instance result = merged;
    if (!merged.has("RFBPassword") && stored.has("RFBPassword")) {
        result.set("RFBPassword", stored.get("RFBPassword"));
    }
    put_stored(context, current, result);
}

constexpr PropRule k_opt_in_rules[] = {
    {"CanModifyOptInPolicy", uint32, ro},
    {"CreationClassName", string, ro},
    {"ElementName", string, ro},
    {"Name", string, ro},
    {"OptInCodeTimeout", uint16},
    {"OptInDisplayTimeout", uint16},
    {"OptInRequired", uint32, Access::read_write, "0|1|4294967295"},
    {"OptInState", uint8, ro},
    {"SystemCreationClassName", string, ro},
    {"SystemName", string, ro},
};

// In CCM user consent is forced (wsman.md section 6): the policy reads as "all" and cannot
// be modified.
std::vector<Instance> opt_in_instances(CallContext& context) {
    auto instances = stored_instances(context.state, "IPS_OptInService");
    if (context.state.control_mode == 1) {
        for (auto& instance : instances) {
            instance.set("CanModifyOptInPolicy", "0");
            instance.set("OptInRequired", std::string(k_opt_in_all));
        }
    }
    return instances;
}

void opt_in_put(CallContext& context, const Instance& current, const Instance& merged) {
    Instance result = merged;
    if (current.get("CanModifyOptInPolicy") != "1") { // changes only when modifiable
        result.set("OptInRequired",
                   stored_singleton(context.state, "IPS_OptInService").get("OptInRequired"));
    }
    result.set("CanModifyOptInPolicy", "1");
    put_stored(context, current, result);
}

MethodOutput start_opt_in(CallContext& context, const MethodInput&, pugi::xml_node) {
    auto& service = stored_singleton(context.state, "IPS_OptInService");
    if (service.get("OptInState") != "0") {
        return {{}, 2};
    }
    auto random = context.env.random(3);
    context.scratch.opt_in_code =
        fmt::format("{:06}", ((random[0] << 16) | (random[1] << 8) | random[2]) % 1000000);
    service.set("OptInState", "2");
    return {{}, 0};
}

MethodOutput send_opt_in_code(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto& service = stored_singleton(context.state, "IPS_OptInService");
    if (service.get("OptInState") != "2") {
        return {{}, 2};
    }
    auto code = uint_arg(input, "OptInCode");
    if (!code || fmt::format("{:06}", *code) != context.scratch.opt_in_code) {
        return {{}, 36}; // PT_STATUS INVALID_PARAMETER
    }
    service.set("OptInState", "3");
    return {{}, 0};
}

MethodOutput cancel_opt_in(CallContext& context, const MethodInput&, pugi::xml_node) {
    stored_singleton(context.state, "IPS_OptInService").set("OptInState", "0");
    context.scratch.opt_in_code.clear();
    return {{}, 0};
}

constexpr MethodSpec k_opt_in_methods[] = {{"StartOptIn", start_opt_in},
                                           {"SendOptInCode", send_opt_in_code},
                                           {"CancelOptIn", cancel_opt_in}};

} // namespace

const ClassSpec k_redirection_service{"AMT_RedirectionService", ns::amt_schema,
                                      redirection_instances,    put_stored,
                                      k_redirection_rules,      k_redirection_methods};
const ClassSpec k_kvm_redirection_sap{
    "CIM_KVMRedirectionSAP", ns::cim_schema, kvm_instances, nullptr, {},
    k_kvm_methods,           kvm_reachable};
const ClassSpec k_kvm_setting_data{"IPS_KVMRedirectionSettingData",
                                   ns::ips_schema,
                                   kvm_setting_instances,
                                   kvm_setting_put,
                                   k_kvm_setting_rules,
                                   {},
                                   kvm_reachable};
const ClassSpec k_opt_in_service{"IPS_OptInService", ns::ips_schema, opt_in_instances,
                                 opt_in_put,         k_opt_in_rules, k_opt_in_methods};

} // namespace amtcfg::sim
