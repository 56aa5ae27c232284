// The ways amtcfg judges AMT's TLS chain (wsman.md 7.4; rpc-go internal/certs/lmsTls.go's
// checks, written again here): each refusal names the check that failed.
#include "amtcfg/http/amt_trust.hpp"

#include "x509.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

namespace amtcfg::http {
namespace {

// The On-Die CA chain as AMT sends it before provisioning (wsman.md 7.4).
constexpr std::array<std::size_t, 2> k_ondie_chain_lengths{4, 6};
constexpr std::size_t k_rom_ca_index = 3;
constexpr std::array<std::string_view, 2> k_leaf_names{"AMT RCFG", "iAMT CSME IDevID RCFG"};
constexpr std::array<std::string_view, 2> k_rom_ca_markers{"ROM CA", "ROM DE"};
constexpr std::array<std::string_view, 4> k_rom_ca_issuer_ou_prefixes{
    "ODCA 2 CSME P", "On Die CSME P", "ODCA 2 CSME", "On Die CSME"};

template <typename List> std::string quoted_list(const List& items, std::string_view last) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : (i + 1 == items.size() ? fmt::format(" {} ", last) : ", ");
        out += fmt::format("\"{}\"", items[i]);
    }
    return out;
}

// The certificates of a chain parsed, and the verdict's facts that hold whatever is decided.
struct Judged {
    TlsVerdict verdict;
    std::vector<X509Ptr> certificates;
    std::string problem; // set when the chain is empty or a certificate does not parse
};

Judged start(const CertificateChain& chain) {
    Judged out;
    if (chain.empty()) {
        out.problem = "AMT sent no certificate";
        return out;
    }
    out.verdict.leaf_sha256 = digest(chain.front(), EVP_sha256());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        X509Ptr certificate = parse_certificate(chain[i]);
        if (!certificate) {
            out.problem = fmt::format("certificate {} of the chain is not a valid X.509 "
                                      "certificate",
                                      i);
            out.verdict.subjects.emplace_back();
            continue;
        }
        out.verdict.subjects.push_back(name_text(X509_get_subject_name(certificate.get())));
        out.certificates.push_back(std::move(certificate));
    }
    return out;
}

TlsVerdict decide(TlsVerdict verdict, bool accepted, std::string check) {
    verdict.accepted = accepted;
    verdict.check = std::move(check);
    return verdict;
}

const char* hash_name(CertHashAlgorithm algorithm) {
    return algorithm == CertHashAlgorithm::sha384 ? "SHA-384" : "SHA-256";
}

// Empty when the leaf's hash equals `expected`; otherwise the refusal.
std::string hash_mismatch(ByteView leaf, const AmtCertHash& expected) {
    const EVP_MD* algorithm =
        expected.algorithm == CertHashAlgorithm::sha384 ? EVP_sha384() : EVP_sha256();
    Bytes actual = digest(leaf, algorithm);
    if (actual == expected.hash) {
        return {};
    }
    return fmt::format("the leaf's {} is {}, not the AMTCertHash {} that AMT reported over MEI "
                       "(StartConfigurationHBased)",
                       hash_name(expected.algorithm), fingerprint(actual),
                       fingerprint(expected.hash));
}

X509Ptr parse_anchor(ByteView der, const std::string& name) {
    X509Ptr certificate = parse_certificate(der);
    if (!certificate) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} is not a DER X.509 certificate", name));
    }
    return certificate;
}

class OnDieTrust final : public AmtTrust {
public:
    OnDieTrust(Bytes root_der, std::string root_name, std::optional<AmtCertHash> expected)
        : m_root_name(std::move(root_name)), m_expected(std::move(expected)) {
        m_root.push_back(parse_anchor(root_der, m_root_name));
    }

    TlsVerdict judge(const CertificateChain& chain) const override {
        Judged judged = start(chain);
        if (!judged.problem.empty()) {
            return decide(std::move(judged.verdict), false, judged.problem);
        }
        if (chain.size() == 1) {
            return judge_single(chain.front(), *judged.certificates.front(),
                                std::move(judged.verdict));
        }
        std::string refusal = shape_refusal(judged.certificates);
        if (refusal.empty()) {
            std::string why = verify_chain(judged.certificates, m_root, AnchorKind::roots_only);
            if (!why.empty()) {
                refusal = fmt::format("the chain does not verify to {}: {}", m_root_name, why);
            }
        }
        if (refusal.empty() && m_expected) {
            refusal = hash_mismatch(chain.front(), *m_expected);
        }
        if (!refusal.empty()) {
            return decide(std::move(judged.verdict), false, refusal);
        }
        std::string hash = m_expected ? fmt::format("the leaf's {} equals AMTCertHash",
                                                    hash_name(m_expected->algorithm))
                                      : "no AMTCertHash to compare the leaf with";
        return decide(std::move(judged.verdict), true,
                      fmt::format("chain verified to {}; leaf CN \"{}\"; {}", m_root_name,
                                  common_name(X509_get_subject_name(judged.certificates[0].get())),
                                  hash));
    }

    std::string describe() const override { return m_root_name; }

private:
    // The checks of the chain's shape: its length, the leaf's CN, the ROM CA at index 3.
    static std::string shape_refusal(const std::vector<X509Ptr>& chain) {
        if (std::find(k_ondie_chain_lengths.begin(), k_ondie_chain_lengths.end(), chain.size()) ==
            k_ondie_chain_lengths.end()) {
            return fmt::format("the chain has {} certificates; AMT's On-Die CA chain has 4 or 6",
                               chain.size());
        }
        std::string leaf = common_name(X509_get_subject_name(chain[0].get()));
        if (std::find(k_leaf_names.begin(), k_leaf_names.end(), leaf) == k_leaf_names.end()) {
            return fmt::format("leaf CN is \"{}\", not {}", leaf, quoted_list(k_leaf_names, "or"));
        }
        X509* rom = chain[k_rom_ca_index].get();
        std::string rom_name = common_name(X509_get_subject_name(rom));
        if (std::none_of(k_rom_ca_markers.begin(), k_rom_ca_markers.end(), [&](std::string_view m) {
                return rom_name.find(m) != std::string::npos;
            })) {
            return fmt::format("certificate 3 (AMT's ROM CA) has CN \"{}\", with neither {} in it",
                               rom_name, quoted_list(k_rom_ca_markers, "nor"));
        }
        std::vector<std::string> units =
            name_values(X509_get_issuer_name(rom), NID_organizationalUnitName);
        bool known = std::any_of(units.begin(), units.end(), [](const std::string& unit) {
            return std::any_of(k_rom_ca_issuer_ou_prefixes.begin(),
                               k_rom_ca_issuer_ou_prefixes.end(),
                               [&](std::string_view prefix) { return unit.starts_with(prefix); });
        });
        if (!known) {
            return fmt::format("certificate 3 (AMT's ROM CA) has issuer OU {}; it must start "
                               "with {}",
                               units.empty() ? std::string("(none)") : quoted_list(units, "and"),
                               quoted_list(k_rom_ca_issuer_ou_prefixes, "or"));
        }
        return {};
    }

    // One certificate instead of a chain: acceptable only as the self-signed certificate whose
    // hash AMT reported over MEI (which authenticates it).
    TlsVerdict judge_single(ByteView der, X509& certificate, TlsVerdict verdict) const {
        if (!m_expected) {
            return decide(std::move(verdict), false,
                          "AMT sent a single certificate, not an On-Die CA chain, and there is "
                          "no AMTCertHash to check it against");
        }
        EVP_PKEY* key = X509_get0_pubkey(&certificate);
        if (X509_NAME_cmp(X509_get_subject_name(&certificate),
                          X509_get_issuer_name(&certificate)) != 0 ||
            key == nullptr || X509_verify(&certificate, key) != 1) {
            ERR_clear_error();
            return decide(std::move(verdict), false,
                          "AMT sent a single certificate that is not self-signed, not an On-Die "
                          "CA chain");
        }
        std::string mismatch = hash_mismatch(der, *m_expected);
        if (!mismatch.empty()) {
            return decide(std::move(verdict), false, mismatch);
        }
        return decide(std::move(verdict), true,
                      fmt::format("a single self-signed certificate whose {} equals AMTCertHash "
                                  "(reported over MEI)",
                                  hash_name(m_expected->algorithm)));
    }

    std::string m_root_name;
    std::optional<AmtCertHash> m_expected;
    std::vector<X509Ptr> m_root;
};

class AnchorTrust final : public AmtTrust {
public:
    AnchorTrust(const std::vector<Bytes>& anchors, std::string name) : m_name(std::move(name)) {
        if (anchors.empty()) {
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("{} holds no certificate to trust", m_name));
        }
        for (std::size_t i = 0; i < anchors.size(); ++i) {
            m_anchors.push_back(
                parse_anchor(anchors[i], fmt::format("certificate {} of {}", i, m_name)));
        }
    }

    TlsVerdict judge(const CertificateChain& chain) const override {
        Judged judged = start(chain);
        if (!judged.problem.empty()) {
            return decide(std::move(judged.verdict), false, judged.problem);
        }
        // An anchor need not be self-signed: the CA that issued AMT's certificate is enough.
        std::string why = verify_chain(judged.certificates, m_anchors, AnchorKind::any_certificate);
        if (!why.empty()) {
            return decide(std::move(judged.verdict), false,
                          fmt::format("the chain does not verify to {}: {}", m_name, why));
        }
        return decide(std::move(judged.verdict), true, fmt::format("chain verified to {}", m_name));
    }

    std::string describe() const override { return m_name; }

private:
    std::string m_name;
    std::vector<X509Ptr> m_anchors;
};

class PinnedTrust final : public AmtTrust {
public:
    PinnedTrust(Bytes leaf_sha256, std::string name)
        : m_pin(std::move(leaf_sha256)), m_name(std::move(name)) {
        if (m_pin.size() != 32) {
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("the pin of AMT's certificate ({}) has {} bytes; a SHA-256 "
                                    "has 32",
                                    m_name, m_pin.size()));
        }
    }

    TlsVerdict judge(const CertificateChain& chain) const override {
        Judged judged = start(chain);
        if (chain.empty()) {
            return decide(std::move(judged.verdict), false, judged.problem);
        }
        if (judged.verdict.leaf_sha256 != m_pin) {
            std::string check =
                fmt::format("the leaf's SHA-256 is {}, not the pinned {} ({})",
                            fingerprint(judged.verdict.leaf_sha256), fingerprint(m_pin), m_name);
            return decide(std::move(judged.verdict), false, check);
        }
        return decide(std::move(judged.verdict), true,
                      fmt::format("the leaf's SHA-256 equals the pin ({})", m_name));
    }

    std::string describe() const override {
        return fmt::format("the pinned SHA-256 of AMT's certificate ({})", m_name);
    }

private:
    Bytes m_pin;
    std::string m_name;
};

// Accepts every chain; what the verdict says is the caller's reason.
class AcceptingTrust final : public AmtTrust {
public:
    AcceptingTrust(std::string check, std::string description)
        : m_check(std::move(check)), m_description(std::move(description)) {}

    TlsVerdict judge(const CertificateChain& chain) const override {
        return decide(start(chain).verdict, true, m_check);
    }
    std::string describe() const override { return m_description; }

private:
    std::string m_check;
    std::string m_description;
};

constexpr std::string_view k_not_verified = "not verified (--amt-insecure)";

// --amt-insecure over a real trust: its verdict when it accepts; when it refuses, acceptance
// that says which check was waived.
class WaivingTrust final : public AmtTrust {
public:
    explicit WaivingTrust(std::shared_ptr<const AmtTrust> checked)
        : m_checked(std::move(checked)) {}

    TlsVerdict judge(const CertificateChain& chain) const override {
        TlsVerdict verdict = m_checked->judge(chain);
        if (!verdict.accepted) {
            verdict.accepted = true;
            verdict.check = fmt::format("{}: {}", k_not_verified, verdict.check);
        }
        return verdict;
    }
    std::string describe() const override {
        return m_checked->describe() + " (a failure accepted: --amt-insecure)";
    }

private:
    std::shared_ptr<const AmtTrust> m_checked;
};

std::vector<Bytes> read_pem(const std::string& text, const std::string& path) {
    std::vector<Bytes> out;
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    ERR_clear_error();
    while (X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        out.push_back(certificate_der(certificate));
        X509_free(certificate);
    }
    unsigned long error = ERR_peek_last_error();
    BIO_free(bio);
    ERR_clear_error();
    // Reading stops at the end with "no start line"; anything else is a broken certificate.
    if (error != 0 && ERR_GET_REASON(error) != PEM_R_NO_START_LINE) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{}: certificate {} is not valid PEM", path, out.size() + 1));
    }
    return out;
}

} // namespace

std::shared_ptr<const AmtTrust> ondie_trust(Bytes root_der, std::string root_name,
                                            std::optional<AmtCertHash> expected) {
    return std::make_shared<OnDieTrust>(std::move(root_der), std::move(root_name),
                                        std::move(expected));
}

std::shared_ptr<const AmtTrust> anchor_trust(std::vector<Bytes> anchors, std::string name) {
    return std::make_shared<AnchorTrust>(anchors, std::move(name));
}

std::shared_ptr<const AmtTrust> pinned_trust(Bytes leaf_sha256, std::string name) {
    return std::make_shared<PinnedTrust>(std::move(leaf_sha256), std::move(name));
}

std::shared_ptr<const AmtTrust> insecure_trust(std::shared_ptr<const AmtTrust> checked) {
    if (checked) {
        return std::make_shared<WaivingTrust>(std::move(checked));
    }
    return std::make_shared<AcceptingTrust>(
        std::string(k_not_verified), "nothing (--amt-insecure: AMT's certificate is not verified)");
}

bool waived(const TlsVerdict& verdict) {
    return verdict.check.starts_with(k_not_verified);
}

std::shared_ptr<const AmtTrust> first_use_trust(std::string why) {
    return std::make_shared<AcceptingTrust>(
        fmt::format("trusted on first use for {}; not verified", why),
        fmt::format("nothing yet: trust on first use for {}", why));
}

std::vector<Bytes> load_certificates_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    }
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<Bytes> out;
    if (content.find("-----BEGIN") != std::string::npos) {
        out = read_pem(content, path);
    } else if (parse_certificate(as_bytes(content))) {
        out.emplace_back(content.begin(), content.end());
    }
    if (out.empty()) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} holds no certificate (PEM or DER)", path));
    }
    return out;
}

} // namespace amtcfg::http
