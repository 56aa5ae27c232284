// The provisioning-certificate checks done before ACM activation, with precise messages.
#include "amtcfg/crypto/acm_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace amtcfg::crypto {

namespace {

std::string normalized_domain(std::string_view name) {
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    while (!out.empty() && out.back() == '.') {
        out.pop_back();
    }
    return out;
}

std::string name_of(const Certificate& certificate) {
    return certificate.subject.empty() ? std::string("the certificate")
                                       : "\"" + certificate.subject + "\"";
}

} // namespace

std::optional<std::string> check_setup_usage(const Certificate& leaf) {
    const auto& usages = leaf.extended_key_usages;
    const auto& units = leaf.organizational_units;
    if (std::find(usages.begin(), usages.end(), k_amt_setup_oid) != usages.end() ||
        std::find(units.begin(), units.end(), k_client_setup_ou) != units.end()) {
        return std::nullopt;
    }
    return fmt::format("the provisioning certificate {} is not an AMT setup certificate: its "
                       "Extended Key Usage lacks {} and it has no OU \"{}\" (get a certificate "
                       "issued with the Intel AMT provisioning OID)",
                       name_of(leaf), k_amt_setup_oid, k_client_setup_ou);
}

std::optional<std::string> check_dns_suffix(const Certificate& leaf, std::string_view dns_suffix) {
    std::string suffix = normalized_domain(dns_suffix);
    std::string common_name = normalized_domain(leaf.common_name);
    if (common_name.rfind("*.", 0) == 0) {
        common_name.erase(0, 2);
    }
    if (suffix.empty()) {
        return fmt::format("this AMT has no DNS suffix to match the provisioning certificate CN "
                           "{} (set the PKI DNS suffix in MEBx, or serve it as DHCP option 15)",
                           leaf.common_name);
    }
    if (common_name.empty()) {
        return fmt::format("the provisioning certificate {} has no CN, so it cannot match the "
                           "DNS suffix {} (use a certificate whose CN is a host in {})",
                           name_of(leaf), dns_suffix, dns_suffix);
    }
    bool matches =
        common_name == suffix ||
        (common_name.size() > suffix.size() &&
         common_name.compare(common_name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         common_name[common_name.size() - suffix.size() - 1] == '.');
    if (matches) {
        return std::nullopt;
    }
    return fmt::format("DNS suffix {} does not match certificate CN {} (the CN must be in the "
                       "AMT's DNS suffix: set the PKI DNS suffix in MEBx or DHCP option 15 to the "
                       "certificate's domain, or use a certificate for a host in {})",
                       dns_suffix, leaf.common_name, dns_suffix);
}

std::optional<std::string> check_validity(const Certificate& certificate,
                                          std::chrono::system_clock::time_point now) {
    if (now < certificate.not_before) {
        return fmt::format("certificate {} is not valid before {} (check the host clock, or wait)",
                           name_of(certificate), format_utc(certificate.not_before));
    }
    if (now > certificate.not_after) {
        return fmt::format("certificate {} expired on {} (renew it and export the PKCS#12 again)",
                           name_of(certificate), format_utc(certificate.not_after));
    }
    return std::nullopt;
}

std::optional<std::string> check_root_trusted(const Certificate& root,
                                              const std::vector<TrustedRootHash>& trusted) {
    const TrustedRootHash* inactive = nullptr;
    std::string names;
    for (const auto& entry : trusted) {
        names += names.empty() ? "" : ", ";
        names += entry.name;
        for (auto algorithm : {HashAlgorithm::sha1, HashAlgorithm::sha256, HashAlgorithm::sha384,
                               HashAlgorithm::sha512}) {
            if (entry.algorithm == to_string(algorithm) &&
                fingerprint(root.der, algorithm) == entry.hash) {
                if (entry.active) {
                    return std::nullopt;
                }
                inactive = &entry;
            }
        }
    }
    if (inactive != nullptr) {
        return fmt::format("the provisioning root {} matches AMT's trusted hash \"{}\", but that "
                           "hash is not active (activate it in MEBx)",
                           name_of(root), inactive->name);
    }
    return fmt::format("root hash {} (sha256) of {} is not trusted by this AMT (it trusts: {}; "
                       "add the hash in MEBx or by USB setup, or use a provisioning certificate "
                       "from one of those CAs)",
                       to_hex(fingerprint(root.der, HashAlgorithm::sha256)), name_of(root),
                       names.empty() ? "nothing" : names);
}

PreflightReport acm_preflight(const ProvisioningChain& chain, std::string_view dns_suffix,
                              std::chrono::system_clock::time_point now) {
    PreflightReport report;
    auto add = [&](std::optional<std::string> problem) {
        if (problem) {
            report.problems.push_back(std::move(*problem));
        }
    };
    add(check_setup_usage(chain.leaf()));
    add(check_dns_suffix(chain.leaf(), dns_suffix));
    for (const auto& certificate : chain.chain) {
        add(check_validity(certificate, now));
        if (certificate.signature_digest == "sha1" && !certificate.self_issued) {
            report.warnings.push_back(fmt::format(
                "certificate {} is signed with SHA-1; AMT expects the whole chain to be SHA-2 "
                "and SHA-1 chains have failed in the field",
                name_of(certificate)));
        }
    }
    if (chain.chain.size() > k_max_tested_chain) {
        report.warnings.push_back(fmt::format(
            "the provisioning chain has {} certificates; chains longer than {} are untested with "
            "AMT",
            chain.chain.size(), k_max_tested_chain));
    }
    return report;
}

} // namespace amtcfg::crypto
