// ACM activation against the simulated AMT: AddNextCertInChain checks, AdminSetup and
// UpgradeClientToAdmin signatures, and what the device ends up as.
#include "amtcfg/util/bytes.hpp"
#include "wsman/digest.hpp"
#include "wsman/service.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;

namespace {

constexpr std::int64_t k_now = 1'700'000'000;
const std::string k_password = "P@ssw0rd!";

EVP_PKEY* shared_key(int index) {
    static EVP_PKEY* keys[3] = {EVP_RSA_gen(2048), EVP_RSA_gen(2048), EVP_RSA_gen(2048)};
    return keys[index];
}

struct CertSpec {
    std::string cn;
    std::string ou;
    bool amt_eku = false;
    bool ca = false;
    const EVP_MD* md = nullptr; // the issuer's signature digest; SHA-256 when null
};

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A certificate for `key`, signed by `issuer_key` (self-signed when issuer is null).
std::vector<std::uint8_t> make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                                    EVP_PKEY* issuer_key, X509** out = nullptr) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    ASN1_TIME_set(X509_getm_notBefore(cert), k_now - 86400);
    ASN1_TIME_set(X509_getm_notAfter(cert), k_now + 86400 * 365);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
    if (!spec.ou.empty()) {
        X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(spec.ou.c_str()), -1, -1,
                                   0);
    }
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert, key);
    add_ext(cert, issuer ? issuer : cert, NID_basic_constraints,
            spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (spec.amt_eku) {
        add_ext(cert, issuer ? issuer : cert, NID_ext_key_usage,
                "serverAuth,2.16.840.1.113741.1.2.3");
    }
    X509_sign(cert, issuer_key ? issuer_key : key, spec.md != nullptr ? spec.md : EVP_sha256());
    unsigned char* der = nullptr;
    int size = i2d_X509(cert, &der);
    std::vector<std::uint8_t> bytes(der, der + size);
    OPENSSL_free(der);
    if (out != nullptr) {
        *out = cert;
    } else {
        X509_free(cert);
    }
    return bytes;
}

std::string sha256_hex(const std::vector<std::uint8_t>& der) {
    unsigned char digest[32];
    EVP_Digest(der.data(), der.size(), digest, nullptr, EVP_sha256(), nullptr);
    return amtcfg::to_hex(amtcfg::ByteView(digest, 32));
}

struct Chain {
    std::vector<std::uint8_t> leaf, intermediate, root;
};

Chain make_chain(const CertSpec& leaf_spec, const EVP_MD* ca_md = nullptr) {
    X509* root = nullptr;
    X509* intermediate = nullptr;
    Chain chain;
    chain.root =
        make_cert({"Test Root", "", false, true, ca_md}, shared_key(0), nullptr, nullptr, &root);
    chain.intermediate = make_cert({"Test Issuing CA", "", false, true, ca_md}, shared_key(1), root,
                                   shared_key(0), &intermediate);
    chain.leaf = make_cert(leaf_spec, shared_key(2), intermediate, shared_key(1));
    X509_free(root);
    X509_free(intermediate);
    return chain;
}

std::vector<std::uint8_t> sign(const std::vector<std::uint8_t>& data, EVP_PKEY* key) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &size, data.data(), data.size());
    std::vector<std::uint8_t> signature(size);
    EVP_DigestSign(ctx, signature.data(), &size, data.data(), data.size());
    EVP_MD_CTX_free(ctx);
    return signature;
}

const CertSpec k_good_leaf{"amt.example.com", "", true, false};

struct Device {
    test::FakeWorld world;
    DeviceModel model{default_device()};
    std::unique_ptr<WsmanService> service;
    Chain chain = make_chain(k_good_leaf);

    explicit Device(const Chain* custom = nullptr, bool root_active = true) {
        if (custom != nullptr) {
            chain = *custom;
        }
        model.modify([&](DeviceState& s) {
            s.dns_suffix = "example.com";
            s.cert_hashes.push_back(
                {"Test Root", "sha256", sha256_hex(chain.root), false, root_active});
        });
        world.now = k_now;
        service = std::make_unique<WsmanService>(model, WsmanFaults{}, world.environment());
    }
    DigestClient lsa() {
        return DigestClient(*service, "$$OsAdmin", default_device().lsa_password);
    }
    DeviceState state() const { return model.snapshot(); }
};

std::string add_cert(DigestClient& client, const std::vector<std::uint8_t>& der, bool leaf,
                     bool root) {
    auto response = client.invoke(
        "IPS_HostBasedSetupService", "AddNextCertInChain",
        "<h:NextCertificate>" + base64_encode(der) + "</h:NextCertificate><h:IsLeafCertificate>" +
            (leaf ? "true" : "false") + "</h:IsLeafCertificate><h:IsRootCertificate>" +
            (root ? "true" : "false") + "</h:IsRootCertificate>");
    return element_text(response.body, "ReturnValue");
}

std::string add_chain(DigestClient& client, const Chain& chain) {
    auto first = add_cert(client, chain.leaf, true, false);
    auto second = add_cert(client, chain.intermediate, false, false);
    auto third = add_cert(client, chain.root, false, true);
    return first + second + third;
}

// Returns the ReturnValue of AdminSetup (or UpgradeClientToAdmin) signed with `key`.
std::string signed_call(DigestClient& client, std::string_view method, EVP_PKEY* key,
                        bool tamper = false) {
    auto nonce = base64_decode(
        element_text(client.get("IPS_HostBasedSetupService").body, "ConfigurationNonce"));
    REQUIRE(nonce);
    REQUIRE(nonce->size() == 20);
    std::vector<std::uint8_t> mc(20, 0x5a);
    auto data = *nonce;
    data.insert(data.end(), mc.begin(), mc.end());
    if (tamper) {
        data[0] ^= 1;
    }
    std::string args = "<h:McNonce>" + base64_encode(mc) +
                       "</h:McNonce><h:SigningAlgorithm>2"
                       "</h:SigningAlgorithm><h:DigitalSignature>" +
                       base64_encode(sign(data, key)) + "</h:DigitalSignature>";
    if (method == "AdminSetup") {
        args = "<h:NetAdminPassEncryptionType>2</"
               "h:NetAdminPassEncryptionType><h:NetworkAdminPassword>" +
               digest_ha1("admin", default_device().realm, k_password) +
               "</h:NetworkAdminPassword>" + args;
    }
    return element_text(client.invoke("IPS_HostBasedSetupService", method, args).body,
                        "ReturnValue");
}

} // namespace

TEST_CASE("AdminSetup with a trusted chain activates ACM", "[unit][sim]") {
    Device device;
    auto lsa = device.lsa();
    CHECK(add_cert(lsa, device.chain.leaf, true, false) == "0");
    CHECK(element_text(lsa.get("IPS_HostBasedSetupService").body, "CertChainStatus") == "1");
    CHECK(add_cert(lsa, device.chain.intermediate, false, false) == "0");
    CHECK(add_cert(lsa, device.chain.root, false, true) == "0");
    CHECK(element_text(lsa.get("IPS_HostBasedSetupService").body, "CertChainStatus") == "2");
    CHECK(signed_call(lsa, "AdminSetup", shared_key(2)) == "0");
    CHECK(device.state().control_mode == 2);
    CHECK(device.state().provisioning_state == 2);
    DigestClient admin(*device.service, "admin", k_password);
    CHECK(element_text(admin.get("AMT_SetupAndConfigurationService").body, "ProvisioningMode") ==
          "1");
    auto mebx = admin.invoke("AMT_SetupAndConfigurationService", "SetMEBxPassword",
                             "<h:Password>M3bx-P@ss</h:Password>");
    CHECK(element_text(mebx.body, "ReturnValue") == "0");
    CHECK(device.state().wsman.mebx_password == "M3bx-P@ss");
}

TEST_CASE("AdminSetup refuses a wrong signature, a wrong key and a missing chain", "[unit][sim]") {
    Device device;
    auto lsa = device.lsa();
    CHECK(signed_call(lsa, "AdminSetup", shared_key(2)) == "2"); // no chain yet
    REQUIRE(add_chain(lsa, device.chain) == "000");
    CHECK(signed_call(lsa, "AdminSetup", shared_key(2), true) == "5");
    CHECK(signed_call(lsa, "AdminSetup", shared_key(1)) == "5");
    CHECK(device.state().control_mode == 0);
    CHECK(signed_call(lsa, "AdminSetup", shared_key(2)) == "0");
}

TEST_CASE("the root hash must be present and active", "[unit][sim]") {
    Device inactive(nullptr, false);
    auto lsa = inactive.lsa();
    CHECK(add_chain(lsa, inactive.chain) == "004");
    CHECK(element_text(lsa.get("IPS_HostBasedSetupService").body, "CertChainStatus") == "0");
    Device unknown;
    unknown.model.modify([](DeviceState& s) { s.cert_hashes.pop_back(); });
    auto other = unknown.lsa();
    CHECK(add_chain(other, unknown.chain) == "004");
}

TEST_CASE("ACM refuses SHA-1: signatures in the chain and SHA-1 root hashes", "[unit][sim]") {
    auto sha1_chain = make_chain(k_good_leaf, EVP_sha1());
    Device signed_sha1(&sha1_chain);
    auto lsa = signed_sha1.lsa();
    CHECK(add_chain(lsa, sha1_chain) == "004");
    Device sha1_hash; // a SHA-2 chain whose root only a SHA-1 entry names
    sha1_hash.model.modify([&](DeviceState& s) {
        s.cert_hashes.back().algorithm = "sha1";
        unsigned char digest[20];
        EVP_Digest(sha1_hash.chain.root.data(), sha1_hash.chain.root.size(), digest, nullptr,
                   EVP_sha1(), nullptr);
        s.cert_hashes.back().hash = amtcfg::to_hex(amtcfg::ByteView(digest, 20));
    });
    auto lsa2 = sha1_hash.lsa();
    CHECK(add_chain(lsa2, sha1_hash.chain) == "004");
    CHECK(signed_call(lsa2, "AdminSetup", shared_key(2)) == "2"); // no completed chain
}

TEST_CASE("the leaf must be a provisioning certificate for the DNS suffix", "[unit][sim]") {
    auto wrong_domain = make_chain({"amt.other.org", "", true, false});
    Device domain(&wrong_domain);
    auto lsa = domain.lsa();
    CHECK(add_chain(lsa, wrong_domain) == "004");
    auto no_eku = make_chain({"amt.example.com", "", false, false});
    Device eku(&no_eku);
    auto lsa2 = eku.lsa();
    CHECK(add_chain(lsa2, no_eku) == "004");
    auto ou_only = make_chain({"example.com", "Intel(R) Client Setup Certificate", false, false});
    Device ou(&ou_only);
    auto lsa3 = ou.lsa();
    CHECK(add_chain(lsa3, ou_only) == "000");
}

TEST_CASE("AddNextCertInChain order, garbage and length rules", "[unit][sim]") {
    Device device;
    auto lsa = device.lsa();
    CHECK(add_cert(lsa, device.chain.intermediate, false, false) == "3"); // no leaf first
    CHECK(add_cert(lsa, {1, 2, 3}, true, false) == "1");
    CHECK(add_cert(lsa, device.chain.leaf, true, false) == "0");
    CHECK(add_cert(lsa, device.chain.intermediate, false, false) == "0");
    CHECK(add_cert(lsa, device.chain.intermediate, false, false) == "0");
    CHECK(add_cert(lsa, device.chain.intermediate, false, false) == "0");
    CHECK(add_cert(lsa, device.chain.root, false, true) == "5");
    auto broken = device.chain;
    std::swap(broken.intermediate, broken.leaf);
    CHECK(add_chain(lsa, broken) == "004"); // signatures do not chain
}

TEST_CASE("UpgradeClientToAdmin moves CCM to ACM and keeps the password", "[unit][sim]") {
    Device device;
    auto lsa = device.lsa();
    auto setup = lsa.invoke(
        "IPS_HostBasedSetupService", "Setup",
        "<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType><h:NetworkAdminPassword>" +
            digest_ha1("admin", default_device().realm, k_password) + "</h:NetworkAdminPassword>");
    REQUIRE(element_text(setup.body, "ReturnValue") == "0");
    DigestClient admin(*device.service, "admin", k_password);
    CHECK(signed_call(admin, "UpgradeClientToAdmin", shared_key(2)) == "2"); // chain first
    REQUIRE(add_chain(admin, device.chain) == "000");
    CHECK(signed_call(admin, "UpgradeClientToAdmin", shared_key(2)) == "0");
    CHECK(device.state().control_mode == 2);
    CHECK(admin.get("AMT_GeneralSettings").status == 200);
    CHECK(signed_call(admin, "UpgradeClientToAdmin", shared_key(2)) == "2");
}

TEST_CASE("AdminSetup is gone from CSME 19", "[unit][sim]") {
    Device device;
    device.model.modify([](DeviceState& s) { s.amt_version = "19.0.5"; });
    auto lsa = device.lsa();
    auto response = lsa.invoke("IPS_HostBasedSetupService", "AdminSetup", "");
    CHECK(response.status == 400);
    CHECK(test::element_texts(response.body, "Value").at(1) == "b:ActionNotSupported");
}
