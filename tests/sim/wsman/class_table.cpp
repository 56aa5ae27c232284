// The classes the simulated AMT serves, looked up by resource URI.
#include "wsman/classes.hpp"

#include <array>

namespace amtcfg::sim {

std::span<const ClassSpec> class_table() {
    static const std::array<ClassSpec, 19> table = {
        k_general_settings,      k_ethernet_port_settings, k_tls_setting_data,
        k_boot_capabilities,     k_redirection_service,    k_kvm_redirection_sap,
        k_kvm_setting_data,      k_opt_in_service,         k_time_sync_service,
        k_software_identity,     k_host_based_setup,       k_setup_and_configuration,
        k_authorization_service, k_system_power_scheme,    k_element_setting_data,
        k_public_key_management, k_public_key_certificate, k_public_private_key_pair,
        k_tls_credential_context};
    return table;
}

const ClassSpec* find_class(std::string_view resource_uri) {
    for (const auto& spec : class_table()) {
        if (spec.uri() == resource_uri) {
            return &spec;
        }
    }
    return nullptr;
}

} // namespace amtcfg::sim
