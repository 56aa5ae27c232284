// Placeholder until the CMP client lands.
#include "issuers.hpp"

#include "amtcfg/util/error.hpp"

namespace amtcfg::ca::detail {
std::unique_ptr<Issuer> make_cmp_issuer(const profile::Issuer&, IssuerContext) {
    throw Error(ErrorCategory::certificate_failed, "the cmp issuer is not built yet");
}
} // namespace amtcfg::ca::detail
