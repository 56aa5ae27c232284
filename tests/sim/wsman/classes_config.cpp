// AMT_SetupAndConfigurationService (wsman.md sections 6, 7, 9).
#include "wsman/classes.hpp"
#include "wsman/key_store.hpp"

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

constexpr std::string_view k_remote_tls = "Intel(r) AMT 802.3 TLS Settings";
constexpr std::string_view k_local_tls = "Intel(r) AMT LMS TLS Settings";

// The TLS service the settings as Put describe, with the credential context's certificate and
// its key, or why CommitChanges cannot apply it (wsman.md section 8, "CommitChanges
// prerequisites", from the Go doc comment): TLS enabled needs a key and certificate (the
// credential context's; a TLS-enforced device also has its own), mutual authentication at
// least one trusted root and a set clock.
struct TlsPlan {
    TlsService service;
    std::optional<std::string> missing;
};

TlsPlan plan_tls(const DeviceState& state) {
    TlsPlan plan;
    auto& service = plan.service;
    const auto& store = state.wsman.certificates;
    for (const auto& tls : stored_instances(state, "AMT_TLSSettingData")) {
        bool enabled = tls.get("Enabled") == "true";
        bool mutual = tls.get("MutualAuthentication") == "true";
        bool remote = tls.get("InstanceID") == k_remote_tls;
        (remote ? service.remote_enabled : service.local_enabled) = enabled;
        (remote ? service.remote_mutual : service.local_mutual) = mutual;
        if (mutual) {
            for (const auto& cn : tls.values("TrustedCN")) {
                service.trusted_cn.push_back(cn);
            }
        }
    }
    if (store.credential_context) {
        for (const auto& cert : store.certificates) {
            if (cert.handle != *store.credential_context) {
                continue;
            }
            auto der = base64_decode(cert.der_base64);
            auto facts = der ? certificate_facts(*der) : std::nullopt;
            for (const auto& key : store.keys) {
                if (facts && rsa_public_key_der(key.private_key_pem) == facts->rsa_public_key) {
                    service.certificate_base64 = cert.der_base64;
                    service.private_key_pem = key.private_key_pem;
                }
            }
        }
    }
    bool mutual = service.remote_mutual || service.local_mutual;
    if (mutual) {
        for (const auto& cert : store.certificates) {
            if (cert.trusted_root) {
                service.trusted_roots.push_back(cert.der_base64);
            }
        }
    }
    if ((service.remote_enabled || service.local_enabled) && service.certificate_base64.empty() &&
        !state.tls_enforced) {
        plan.missing = "TLS is enabled without a key and certificate in a credential context";
    } else if (mutual && service.trusted_roots.empty()) {
        plan.missing = "mutual authentication has no trusted root certificate";
    } else if (mutual && !store.clock_set) {
        plan.missing = "mutual authentication needs AMT's clock set";
    }
    return plan;
}

bool same_service(const TlsService& a, const TlsService& b) {
    return a.remote_enabled == b.remote_enabled && a.remote_mutual == b.remote_mutual &&
           a.local_enabled == b.local_enabled && a.local_mutual == b.local_mutual &&
           a.certificate_base64 == b.certificate_base64 && a.trusted_roots == b.trusted_roots &&
           a.trusted_cn == b.trusted_cn;
}

// The other prerequisite: DHCP needs a host name.
std::optional<std::string> missing_for_commit(const DeviceState& state, const TlsPlan& tls) {
    if (tls.missing) {
        return tls.missing;
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
    auto tls = plan_tls(state);
    if (missing_for_commit(state, tls) || (state.shbc.pending && !has_admin_password(state))) {
        return {{}, k_pt_data_missing}; // nothing is committed
    }
    // The TLS service restarts when what it serves changes: the generation names it in the
    // session-ID context, so sessions of the old service are not resumed.
    auto& committed = state.wsman.certificates.committed;
    if (!same_service(committed, tls.service)) {
        tls.service.generation = committed.generation + 1;
        committed = std::move(tls.service);
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
