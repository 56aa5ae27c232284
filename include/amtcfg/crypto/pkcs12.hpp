// The ACM provisioning certificate: a PKCS#12 file read into a private key and a chain
// ordered leaf -> root, and the AdminSetup signature made with that key.
#pragma once

#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/secret.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace amtcfg::crypto {

// A private key held by OpenSSL; copies share it.
class PrivateKey {
public:
    explicit PrivateKey(std::shared_ptr<evp_pkey_st> key) : m_key(std::move(key)) {}
    evp_pkey_st* get() const { return m_key.get(); }
    std::shared_ptr<evp_pkey_st> shared() const { return m_key; }

private:
    std::shared_ptr<evp_pkey_st> m_key;
};

struct ProvisioningChain {
    PrivateKey key;
    std::vector<Certificate> chain; // [0] the leaf (matches key), back() a self-signed root

    const Certificate& leaf() const { return chain.front(); }
    const Certificate& root() const { return chain.back(); }
};

inline constexpr std::size_t k_max_pkcs12_size = 1024 * 1024;

// Reads a PKCS#12 blob. `name` names it in messages (the file path). The certificates are put
// in order leaf -> root whatever their order in the file, each verified as signed by the next;
// Error(invalid_input) for a wrong password, no key, no certificate for the key, or a chain
// that does not reach a self-signed root (the message says which certificate is missing).
ProvisioningChain load_pkcs12(ByteView pkcs12, const Secret& password, std::string_view name);

// Reads the file (at most k_max_pkcs12_size bytes) and calls load_pkcs12.
ProvisioningChain load_pkcs12_file(const std::string& path, const Secret& password);

// Signs `data` with `key`: RSA PKCS#1 v1.5 over SHA-256. Returns the raw signature.
Bytes sign_sha256(const PrivateKey& key, ByteView data);

// The AdminSetup / UpgradeClientToAdmin DigitalSignature (reference wsman.md section 7.2 step
// 6): base64 of the RSA PKCS#1 v1.5 SHA-256 signature over ConfigurationNonce || McNonce
// (both raw bytes, 20 each as AMT sends and expects them).
std::string sign_setup_nonces(const PrivateKey& key, ByteView configuration_nonce,
                              ByteView mc_nonce);

std::string base64_encode(ByteView data);
// Strict, canonical RFC 4648 base64 (padding required, no whitespace, zero unused bits), as AMT
// sends ConfigurationNonce;
// throws DecodeError on anything else.
Bytes base64_decode(std::string_view text);

} // namespace amtcfg::crypto
