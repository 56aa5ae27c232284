// The issuer implementations behind make_issuer(), one per <issuer type>.
#pragma once

#include "amtcfg/ca/issuer.hpp"

namespace amtcfg::ca::detail {

std::unique_ptr<Issuer> make_file_issuer(const profile::Issuer& config, IssuerContext context);
std::unique_ptr<Issuer> make_exec_issuer(const profile::Issuer& config, IssuerContext context);
std::unique_ptr<Issuer> make_scep_issuer(const profile::Issuer& config, IssuerContext context);
std::unique_ptr<Issuer> make_cmp_issuer(const profile::Issuer& config, IssuerContext context);

// A copy of a secret setting (Secret copies only explicitly), for issuers that read it later.
profile::SecretSetting clone_setting(const profile::SecretSetting& setting);

// The DER certificates of the PEM file `path` (trusted-ca); Error(invalid_input) naming `what`.
std::vector<Bytes> trusted_certificates(const std::string& path, std::string_view what);

} // namespace amtcfg::ca::detail
