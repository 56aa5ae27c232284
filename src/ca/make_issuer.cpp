// make_issuer(): the profile's <issuer type> chooses the implementation.
#include "issuers.hpp"
#include "ossl.hpp"

#include "amtcfg/util/error.hpp"

namespace amtcfg::ca {

std::unique_ptr<Issuer> make_issuer(const profile::Issuer& config, IssuerContext context) {
    switch (config.type) {
    case profile::IssuerType::file:
        return detail::make_file_issuer(config, std::move(context));
    case profile::IssuerType::exec:
        return detail::make_exec_issuer(config, std::move(context));
    case profile::IssuerType::scep:
        return detail::make_scep_issuer(config, std::move(context));
    case profile::IssuerType::cmp:
        return detail::make_cmp_issuer(config, std::move(context));
    }
    throw Error(ErrorCategory::internal, "unknown issuer type");
}

namespace detail {

profile::SecretSetting clone_setting(const profile::SecretSetting& setting) {
    profile::SecretSetting out;
    out.source.kind = setting.source.kind;
    out.source.location = setting.source.location;
    out.source.literal = setting.source.literal.clone();
    out.line = setting.line;
    return out;
}

std::vector<Bytes> trusted_certificates(const std::string& path, std::string_view what) {
    std::vector<Bytes> out;
    for (auto& certificate : load_pem_certificates(path, what)) {
        out.push_back(der_of(certificate.get()));
    }
    return out;
}

} // namespace detail

} // namespace amtcfg::ca
