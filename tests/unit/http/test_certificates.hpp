// Certificates for the TLS tests: the simulator's chains from tests/certs/make-sim-tls.sh
// (generated once per test process, as the crypto tests run make-test-certs.sh), and chains
// built in-process with OpenSSL for the variants the trust checks must refuse.
#pragma once

#include "amtcfg/http/tls.hpp"
#include "amtcfg/util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace amtcfg::testing {

// The files of tests/certs/make-sim-tls.sh (see its header), made in a temporary directory.
class SimTls {
public:
    SimTls() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "amtcfg-sim-tls-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory");
        }
        m_dir = pattern;
        std::string command = "bash " AMTCFG_SOURCE_DIR "/tests/certs/make-sim-tls.sh '" +
                              m_dir.string() + "' >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("tests/certs/make-sim-tls.sh failed");
        }
    }
    ~SimTls() {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    SimTls(const SimTls&) = delete;
    SimTls& operator=(const SimTls&) = delete;

    std::string path(const std::string& name) const { return (m_dir / name).string(); }

private:
    std::filesystem::path m_dir;
};

// Shared by every test of the process; the files are only read.
inline const SimTls& sim_tls() {
    static const SimTls instance;
    return instance;
}

struct X509Free {
    void operator()(X509* certificate) const { X509_free(certificate); }
};
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::shared_ptr<EVP_PKEY>;

inline Bytes der_of(X509* certificate) {
    unsigned char* out = nullptr;
    int size = i2d_X509(certificate, &out);
    Bytes der(out, out + size);
    OPENSSL_free(out);
    return der;
}

// Every certificate of a PEM file, in file order.
inline http::CertificateChain read_pem_chain(const std::string& path) {
    http::CertificateChain chain;
    FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) {
        throw std::runtime_error("cannot open " + path);
    }
    while (X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr)) {
        chain.push_back(der_of(certificate));
        X509_free(certificate);
    }
    std::fclose(file);
    return chain;
}

inline Key read_pem_key(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) {
        throw std::runtime_error("cannot open " + path);
    }
    EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    return Key(key, EVP_PKEY_free);
}

inline Bytes sha(const Bytes& data, const EVP_MD* algorithm) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &size, algorithm, nullptr);
    out.resize(size);
    return out;
}

// A certificate and its key.
struct Issued {
    Certificate certificate;
    Key key;
    Bytes der() const { return der_of(certificate.get()); }
};

struct IssueOptions {
    std::vector<std::pair<std::string, std::string>> subject; // {"CN", "AMT RCFG"}
    bool ca = true;
    long valid_from_s = -3600; // relative to now
    long valid_until_s = 3600L * 24 * 365;
    std::string extended_key_usage; // "clientAuth", "serverAuth" or none
    std::string subject_alt_name;   // "IP:127.0.0.1", "DNS:rps.test" or none
};

// Issues a certificate with a fresh P-256 key, signed by `issuer` (self-signed when null).
inline Issued issue(const IssueOptions& options, const Issued* issuer) {
    Issued out;
    out.key = Key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    out.certificate.reset(X509_new());
    X509* x = out.certificate.get();
    static long serial = 1;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), options.valid_from_s);
    X509_gmtime_adj(X509_getm_notAfter(x), options.valid_until_s);
    X509_set_pubkey(x, out.key.get());
    X509_NAME* name = X509_get_subject_name(x);
    for (const auto& [field, value] : options.subject) {
        X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0);
    }
    X509* signer = issuer != nullptr ? issuer->certificate.get() : x;
    X509_set_issuer_name(x, X509_get_subject_name(signer));
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, signer, x, nullptr, nullptr, 0);
    std::vector<std::pair<int, std::string>> extensions = {
        {NID_basic_constraints, options.ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        {NID_key_usage, options.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
        {NID_subject_key_identifier, "hash"}};
    if (issuer != nullptr) {
        extensions.emplace_back(NID_authority_key_identifier, "keyid");
    }
    if (!options.extended_key_usage.empty()) {
        extensions.emplace_back(NID_ext_key_usage, options.extended_key_usage);
    }
    if (!options.subject_alt_name.empty()) {
        extensions.emplace_back(NID_subject_alt_name, options.subject_alt_name);
    }
    for (const auto& [nid, value] : extensions) {
        X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
        X509_add_ext(x, extension, -1);
        X509_EXTENSION_free(extension);
    }
    X509_sign(x, issuer != nullptr ? issuer->key.get() : out.key.get(), EVP_sha256());
    return out;
}

// The shape of an On-Die-CA-like chain (wsman.md 7.4), one field changed per variant.
struct OnDieShape {
    std::size_t length = 6; // 4 or 6 are AMT's; 5 is built as the 6 without the top one
    std::string leaf_cn = "AMT RCFG";
    std::string rom_cn = "Test CSME MTL ROM CA";
    std::string rom_issuer_ou = "ODCA 2 CSME P-MTL";
    bool leaf_expired = false;
};

struct OnDieChain {
    Bytes root;
    http::CertificateChain chain; // as AMT sends it: leaf first, root not included
    Key leaf_key;
};

inline OnDieChain build_ondie_chain(const OnDieShape& shape) {
    auto ca = [](std::string ou, std::string cn) {
        IssueOptions options;
        options.subject = {{"O", "amtcfg tests"}, {"OU", std::move(ou)}, {"CN", std::move(cn)}};
        return options;
    };
    // With 6 certificates the ROM CA's issuer is an ODCA intermediate; with 4 it is the root.
    bool six = shape.length != 4;
    Issued root =
        issue(ca(six ? "OnDie CA Root Cert Signing" : shape.rom_issuer_ou, "Test On-Die CA Root"),
              nullptr);
    Issued i5 = issue(ca("OnDie CA CSME Intermediate CA", "Test On Die CSME Intermediate"), &root);
    Issued i4 = issue(ca(shape.rom_issuer_ou, "Test ODCA CA 2 CSME"), &i5);
    Issued rom = issue(ca("CSME MTL", shape.rom_cn), six ? &i4 : &root);
    Issued kernel = issue(ca("CSME MTL", "Test CSME MTL Kernel CA"), &rom);
    Issued amt = issue(ca("CSME MTL", "Test CSME MTL AMT CA"), &kernel);
    IssueOptions leaf_options;
    leaf_options.subject = {{"CN", shape.leaf_cn}};
    leaf_options.ca = false;
    if (shape.leaf_expired) {
        leaf_options.valid_from_s = -2L * 24 * 3600;
        leaf_options.valid_until_s = -24L * 3600;
    }
    Issued leaf = issue(leaf_options, &amt);
    OnDieChain out;
    out.root = root.der();
    out.chain = {leaf.der(), amt.der(), kernel.der(), rom.der()};
    if (six) {
        out.chain.push_back(i4.der());
        if (shape.length == 6) {
            out.chain.push_back(i5.der());
        }
    }
    out.leaf_key = leaf.key;
    return out;
}

} // namespace amtcfg::testing
