// AMT_SetupAndConfigurationService (wsman.md sections 6, 7, 9).
#include "wsman/classes.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace amtcfg::sim {
namespace {

constexpr std::uint32_t k_pt_success = 0;
constexpr std::uint32_t k_pt_not_permitted = 16;
constexpr std::uint32_t k_pt_invalid_parameter = 36;
constexpr std::uint32_t k_pt_invalid_password = 2054;
constexpr std::uint32_t k_pt_data_missing = 2057;

std::vector<Instance> setup_instances(CallContext& context) {
    const auto& state = context.state;
    return {Instance{{"CreationClassName", "AMT_SetupAndConfigurationService"},
                     {"ElementName", "Intel(r) AMT Setup and Configuration Service"},
                     {"EnabledState", "5"},
                     {"Name", "Intel(r) AMT Setup and Configuration Service"},
                     {"PasswordModel", "1"},
                     {"ProvisioningMode", state.control_mode == 1 ? "4" : "1"},
                     {"ProvisioningServerOTP", ""},
                     {"ProvisioningState", std::to_string(state.provisioning_state)},
                     {"RequestedState", "12"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"},
                     {"ZeroTouchConfigurationEnabled", "true"}}};
}

MethodOutput unprovision(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto mode = uint_arg(input, "ProvisioningMode");
    if (mode && *mode != 1) {
        return {{}, k_pt_invalid_parameter};
    }
    if (!(context.state.control_mode != 0)) {
        return {{}, k_pt_not_permitted};
    }
    unprovision_device(context.state);
    return {{}, k_pt_success};
}

MethodOutput partial_unprovision(CallContext& context, const MethodInput&, pugi::xml_node) {
    if (context.state.control_mode != 2) {
        return {{}, k_pt_not_permitted};
    }
    unprovision_device(context.state);
    return {{}, k_pt_success};
}

// What CommitChanges needs before it applies anything (wsman.md section 8, from the Go doc
// comment): TLS enabled needs a key and certificate, mutual authentication a trusted root and
// a set clock, DHCP a host name. The simulator holds no user certificate or key: only the
// firmware's own certificate of a TLS-enforced device counts, and no trusted root exists.
std::optional<std::string> missing_for_commit(const DeviceState& state) {
    for (const auto& tls : stored_instances(state, "AMT_TLSSettingData")) {
        if (tls.get("Enabled") == "true" && !state.tls_enforced) {
            return "TLS is enabled without a key and certificate";
        }
        if (tls.get("MutualAuthentication") == "true") {
            return "mutual authentication has no trusted root certificate";
        }
    }
    bool dhcp = std::any_of(state.lan.begin(), state.lan.end(), [](const LanInterface& lan) {
        return lan.interface == "wired" && lan.dhcp;
    });
    if (dhcp && state.hostname.empty()) {
        return "DHCP is on and AMT has no host name";
    }
    return std::nullopt;
}

bool has_admin_password(const DeviceState& state) {
    return !state.wsman.admin_ha1.empty() || !state.admin_password.empty();
}

// "In" provisioning ends here: TLS-enforced CCM (wsman.md section 7.1 step 5) goes to post-
// provisioning; Secure Host-Based Configuration (section 7.4) completes activation into ACM,
// but only once SetAdminAclEntryEx has set the admin password: without one, DATA_MISSING (the
// simulator's choice, see README.md) and the device stays "in".
MethodOutput commit_changes(CallContext& context, const MethodInput&, pugi::xml_node) {
    auto& state = context.state;
    if (missing_for_commit(state) || (state.shbc.pending && !has_admin_password(state))) {
        return {{}, k_pt_data_missing}; // nothing is committed
    }
    if (state.shbc.pending) {
        state.control_mode = 2;
        state.shbc = ShbcContext{};
    }
    if (state.provisioning_state == 1) {
        state.provisioning_state = 2;
    }
    return {{}, k_pt_success};
}

// ACM only (rpc-go allows it only there, amthi.md 5), and during Secure Host-Based
// Configuration, which activates into ACM (wsman.md 7.4 step 3).
MethodOutput set_mebx_password(CallContext& context, const MethodInput& input, pugi::xml_node) {
    if (context.state.control_mode != 2 && !context.state.shbc.pending) {
        return {{}, k_pt_not_permitted}; // 16 in CCM (and before activation)
    }
    auto password = input.get("Password");
    if (password.size() < 8 || password.size() > 32) {
        return {{}, k_pt_invalid_password};
    }
    context.state.wsman.mebx_password = password;
    return {{}, k_pt_success};
}

// The same 16 bytes AMTHI GetUUID sends (SMBIOS order).
MethodOutput get_uuid(CallContext& context, const MethodInput&, pugi::xml_node) {
    auto wire = uuid_wire_bytes(context.state.uuid);
    return {{{"UUID", base64_encode(wire)}}, k_pt_success};
}

constexpr MethodSpec k_setup_methods[] = {
    {"Unprovision", unprovision},
    {"PartialUnprovision", partial_unprovision},
    {"CommitChanges", commit_changes},
    {"SetMEBxPassword", set_mebx_password},
    {"GetUuid", get_uuid},
};

} // namespace

const ClassSpec k_setup_and_configuration{"AMT_SetupAndConfigurationService",
                                          ns::amt_schema,
                                          setup_instances,
                                          nullptr,
                                          {},
                                          k_setup_methods};

} // namespace amtcfg::sim
