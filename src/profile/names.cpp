// to_string() for the profile's enumerations, from the one table in names.hpp.
#include "names.hpp"

namespace amtcfg::profile {

std::string_view to_string(ActivationMode mode) {
    return name_in(k_activation_modes, mode);
}
std::string_view to_string(UserConsent consent) {
    return name_in(k_user_consents, consent);
}
std::string_view to_string(PowerPolicy policy) {
    return name_in(k_power_policies, policy);
}
std::string_view to_string(TlsMode mode) {
    return name_in(k_tls_modes, mode);
}
std::string_view to_string(IssuerType type) {
    return name_in(k_issuer_types, type);
}
std::string_view to_string(Realm realm) {
    return name_in(k_realms, realm);
}

} // namespace amtcfg::profile
