// ACM provisioning-chain checks with OpenSSL (wsman.md section 7.2).
#include "wsman/acm_chain.hpp"

#include "amtcfg/util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <memory>

namespace amtcfg::sim {
namespace {

constexpr std::string_view k_amt_setup_oid = "2.16.840.1.113741.1.2.3";
constexpr std::string_view k_client_setup_ou = "Intel(R) Client Setup Certificate";

struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse(const Der& der) {
    const unsigned char* cursor = der.data();
    return X509Ptr(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
}

std::string digest_hex(const Der& der, const EVP_MD* md) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_Digest(der.data(), der.size(), out.data(), &size, md, nullptr);
    return to_hex(ByteView(out.data(), size));
}

std::string name_entry(X509_NAME* name, int nid) {
    int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) {
        return {};
    }
    auto* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<std::size_t>(ASN1_STRING_length(data)));
}

bool has_eku(X509* cert, std::string_view oid) {
    auto* ekus = static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    bool found = false;
    for (int i = 0; ekus != nullptr && i < sk_ASN1_OBJECT_num(ekus); ++i) {
        std::array<char, 80> text{};
        OBJ_obj2txt(text.data(), static_cast<int>(text.size()), sk_ASN1_OBJECT_value(ekus, i), 1);
        found = found || oid == text.data();
    }
    EXTENDED_KEY_USAGE_free(ekus);
    return found;
}

// The root's SHA-256 or SHA-384 hash must be one of the device's hashes, and active. A SHA-1
// entry in the hash table never admits a root for ACM (wsman.md section 7.2: the hash check is
// SHA-256, SHA-384 on 16.1+, and the whole chain should be SHA-2).
std::optional<std::string> check_root_hash(const Der& root, const DeviceState& device) {
    for (const auto& hash : device.cert_hashes) {
        const EVP_MD* md = hash.algorithm == "sha256"   ? EVP_sha256()
                           : hash.algorithm == "sha384" ? EVP_sha384()
                                                        : nullptr;
        if (md == nullptr || digest_hex(root, md) != hash.hash) {
            continue;
        }
        if (!hash.active) {
            return "the root hash of '" + hash.name + "' is not active";
        }
        return std::nullopt;
    }
    return "the root certificate's hash is not trusted by this AMT";
}

std::optional<std::string> check_leaf(X509* leaf, const DeviceState& device) {
    bool setup_eku = has_eku(leaf, k_amt_setup_oid) && has_eku(leaf, "1.3.6.1.5.5.7.3.1");
    bool setup_ou =
        name_entry(X509_get_subject_name(leaf), NID_organizationalUnitName) == k_client_setup_ou;
    if (!setup_eku && !setup_ou) {
        return "the leaf is not an Intel AMT provisioning certificate (EKU or OU)";
    }
    // The PKI DNS suffix, else the DHCP-provided domain (option 15).
    std::string suffix = device.dns_suffix.empty() ? device.domain : device.dns_suffix;
    auto cn = name_entry(X509_get_subject_name(leaf), NID_commonName);
    bool matches = !suffix.empty() &&
                   (cn == suffix || (cn.size() > suffix.size() && cn.ends_with("." + suffix)));
    if (!matches) {
        return "the leaf CN '" + cn + "' does not match the DNS suffix '" + suffix + "'";
    }
    return std::nullopt;
}

// A certificate signed with SHA-1 (or MD5) breaks the SHA-2 chain ACM needs (wsman.md 7.2;
// a chain with SHA-1 members failed in the field, device-management-toolkit/deployment#268).
bool weak_signature(X509* cert) {
    int md = NID_undef;
    int pk = NID_undef;
    if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk) != 1) {
        return true; // an algorithm AMT would not know
    }
    return md == NID_sha1 || md == NID_md5 || md == NID_undef;
}

} // namespace

bool parses_as_certificate(const Der& der) {
    return parse(der) != nullptr;
}

std::optional<std::string> check_provisioning_chain(const std::vector<Der>& chain,
                                                    const DeviceState& device,
                                                    std::int64_t amt_time) {
    std::vector<X509Ptr> certs;
    for (const auto& der : chain) {
        certs.push_back(parse(der));
    }
    for (std::size_t i = 0; i < certs.size(); ++i) {
        auto* issuer = certs[std::min(i + 1, certs.size() - 1)].get();
        EVP_PKEY* key = X509_get0_pubkey(issuer);
        if (X509_check_issued(issuer, certs[i].get()) != X509_V_OK || key == nullptr ||
            X509_verify(certs[i].get(), key) != 1) {
            return "certificate " + std::to_string(i) + " is not signed by the next one";
        }
        if (weak_signature(certs[i].get())) {
            return "certificate " + std::to_string(i) + " is signed with SHA-1 (SHA-2 needed)";
        }
        time_t now = static_cast<time_t>(amt_time);
        if (X509_cmp_time(X509_get0_notBefore(certs[i].get()), &now) > 0 ||
            X509_cmp_time(X509_get0_notAfter(certs[i].get()), &now) < 0) {
            return "certificate " + std::to_string(i) + " is not valid at AMT's time";
        }
    }
    if (auto error = check_root_hash(chain.back(), device)) {
        return error;
    }
    return check_leaf(certs.front().get(), device);
}

bool verify_signature(const Der& der, const std::vector<std::uint8_t>& data,
                      const std::vector<std::uint8_t>& signature) {
    auto cert = parse(der);
    EVP_PKEY* key = cert ? X509_get0_pubkey(cert.get()) : nullptr;
    if (key == nullptr) {
        return false;
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(context.get(), signature.data(), signature.size(), data.data(),
                            data.size()) == 1;
}

std::optional<std::string> root_hash_problem(const Der& root, const DeviceState& device) {
    return check_root_hash(root, device);
}

} // namespace amtcfg::sim
