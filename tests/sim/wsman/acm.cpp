// Admin control mode activation in the simulator (wsman.md sections 7.2 and 7.3).
#include "wsman/acm.hpp"

namespace amtcfg::sim {

MethodOutput add_next_cert_in_chain(CallContext &, const MethodInput &, pugi::xml_node) {
    return {{}, k_chain_internal_error};
}

MethodOutput admin_setup(CallContext &, const MethodInput &, pugi::xml_node) {
    return {{}, k_setup_internal_error};
}

MethodOutput upgrade_client_to_admin(CallContext &, const MethodInput &, pugi::xml_node) {
    return {{}, k_setup_internal_error};
}

} // namespace amtcfg::sim
