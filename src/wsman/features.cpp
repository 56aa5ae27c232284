// Typed calls of the redirection, KVM, user-consent and software-identity classes
// (reference/wsman.md sections 6 and 9).
#include "amtcfg/wsman/features.hpp"

#include "amtcfg/wsman/schema.hpp"
#include "properties.hpp"

namespace amtcfg::wsman {

using detail::bool_property;
using detail::bool_text;
using detail::u32_property;

namespace {

constexpr std::string_view k_redirection = "AMT_RedirectionService";
constexpr std::string_view k_kvm_sap = "CIM_KVMRedirectionSAP";
constexpr std::string_view k_kvm_settings = "IPS_KVMRedirectionSettingData";
constexpr std::string_view k_opt_in = "IPS_OptInService";
constexpr std::string_view k_software = "CIM_SoftwareIdentity";

RedirectionService redirection_from(Element raw) {
    RedirectionService s;
    s.enabled_state = u32_property(raw, "EnabledState");
    s.listener_enabled = bool_property(raw, "ListenerEnabled");
    s.raw = std::move(raw);
    return s;
}

KvmRedirectionSettingData kvm_settings_from(Element raw) {
    KvmRedirectionSettingData s;
    s.enabled_by_mebx = bool_property(raw, "EnabledByMEBx");
    s.is_5900_port_enabled = bool_property(raw, "Is5900PortEnabled");
    s.opt_in_policy = bool_property(raw, "OptInPolicy");
    s.opt_in_policy_timeout = u32_property(raw, "OptInPolicyTimeout");
    s.session_timeout = u32_property(raw, "SessionTimeout");
    s.raw = std::move(raw);
    return s;
}

OptInService opt_in_from(Element raw) {
    OptInService s;
    s.opt_in_required = u32_property(raw, "OptInRequired");
    s.opt_in_state = u32_property(raw, "OptInState");
    s.can_modify_opt_in_policy = bool_property(raw, "CanModifyOptInPolicy");
    s.raw = std::move(raw);
    return s;
}

// The instance to Put: what AMT sent, or a bare one of the class when nothing was read.
Element put_body(const Element& raw, std::string_view class_name) {
    if (!raw.name.empty()) {
        return raw;
    }
    return Element{class_uri(class_name), std::string(class_name), {}, {}, {}};
}

} // namespace

RedirectionService get_redirection_service(Client& client) {
    return redirection_from(detail::instance(client.get(class_uri(k_redirection)), k_redirection));
}

RedirectionService put_redirection_service(Client& client, const RedirectionService& service) {
    Element body = put_body(service.raw, k_redirection);
    body.set_property("ListenerEnabled", bool_text(service.listener_enabled));
    return redirection_from(
        detail::instance(client.put(class_uri(k_redirection), std::move(body)), k_redirection));
}

MethodResult request_redirection_state_change(Client& client, RedirectionState state) {
    return client.invoke(class_uri(k_redirection), "RequestStateChange",
                         {{"RequestedState", std::to_string(static_cast<std::uint32_t>(state))}});
}

KvmRedirectionSap get_kvm_redirection_sap(Client& client) {
    Element raw = detail::instance(client.get(class_uri(k_kvm_sap)), k_kvm_sap);
    return {u32_property(raw, "EnabledState"), u32_property(raw, "RequestedState"),
            u32_property(raw, "KVMProtocol")};
}

MethodResult request_kvm_state_change(Client& client, KvmState state) {
    return client.invoke(class_uri(k_kvm_sap), "RequestStateChange",
                         {{"RequestedState", std::to_string(static_cast<std::uint32_t>(state))}});
}

KvmRedirectionSettingData get_kvm_redirection_setting_data(Client& client) {
    return kvm_settings_from(
        detail::instance(client.get(class_uri(k_kvm_settings)), k_kvm_settings));
}

KvmRedirectionSettingData
put_kvm_redirection_setting_data(Client& client, const KvmRedirectionSettingData& settings) {
    Element body = put_body(settings.raw, k_kvm_settings);
    body.remove_property("RFBPassword");
    body.set_property("Is5900PortEnabled", bool_text(settings.is_5900_port_enabled));
    body.set_property("OptInPolicy", bool_text(settings.opt_in_policy));
    body.set_property("OptInPolicyTimeout", std::to_string(settings.opt_in_policy_timeout));
    body.set_property("SessionTimeout", std::to_string(settings.session_timeout));
    return kvm_settings_from(
        detail::instance(client.put(class_uri(k_kvm_settings), std::move(body)), k_kvm_settings));
}

OptInService get_opt_in_service(Client& client) {
    return opt_in_from(detail::instance(client.get(class_uri(k_opt_in)), k_opt_in));
}

OptInService put_opt_in_service(Client& client, const OptInService& service) {
    Element body = put_body(service.raw, k_opt_in);
    body.set_property("OptInRequired", std::to_string(service.opt_in_required));
    return opt_in_from(
        detail::instance(client.put(class_uri(k_opt_in), std::move(body)), k_opt_in));
}

std::vector<SoftwareIdentity> enumerate_software_identity(Client& client) {
    std::string uri = class_uri(k_software);
    std::vector<SoftwareIdentity> out;
    for (const auto& item : client.enumerate(uri)) {
        if (item.ns == uri && item.name == k_software) {
            out.push_back({item.property("InstanceID"), item.property("VersionString"),
                           bool_property(item, "IsEntity")});
        }
    }
    return out;
}

std::string opt_in_name(std::uint32_t opt_in_required) {
    switch (opt_in_required) {
    case k_opt_in_none:
        return "none";
    case k_opt_in_kvm:
        return "kvm";
    case k_opt_in_all:
        return "all";
    default:
        return std::to_string(opt_in_required);
    }
}

bool kvm_enabled(std::uint32_t enabled_state) {
    return enabled_state == 2 || enabled_state == 6;
}

std::string amt_version(const std::vector<SoftwareIdentity>& identities) {
    for (const auto& identity : identities) {
        if (identity.instance_id == "AMT") {
            return identity.version_string;
        }
    }
    return {};
}

} // namespace amtcfg::wsman
