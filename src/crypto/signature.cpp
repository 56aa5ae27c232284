// The AdminSetup signature: RSA PKCS#1 v1.5 with SHA-256 over ConfigurationNonce || McNonce.
#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"
#include "openssl.hpp"

#include <openssl/rsa.h>

#include <limits>

namespace amtcfg::crypto {

Bytes sign_sha256(const PrivateKey& key, ByteView data) {
    detail::MdCtxPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* key_context = nullptr; // owned by `context`
    std::size_t size = 0;
    if (!context ||
        EVP_DigestSignInit(context.get(), &key_context, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &size, data.data(), data.size()) != 1) {
        throw Error(ErrorCategory::internal,
                    "cannot sign with the provisioning key: " + detail::last_error());
    }
    Bytes signature(size);
    if (EVP_DigestSign(context.get(), signature.data(), &size, data.data(), data.size()) != 1) {
        throw Error(ErrorCategory::internal,
                    "cannot sign with the provisioning key: " + detail::last_error());
    }
    signature.resize(size);
    return signature;
}

std::string sign_setup_nonces(const PrivateKey& key, ByteView configuration_nonce,
                              ByteView mc_nonce) {
    Bytes data(configuration_nonce.begin(), configuration_nonce.end());
    data.insert(data.end(), mc_nonce.begin(), mc_nonce.end());
    return base64_encode(sign_sha256(key, data));
}

std::string base64_encode(ByteView data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                               static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(size));
    return out;
}

Bytes base64_decode(std::string_view text) {
    constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (text.empty()) {
        return {};
    }
    auto last = text.find_last_not_of('=');
    std::size_t padding = last == std::string_view::npos ? text.size() : text.size() - last - 1;
    bool valid = text.size() % 4 == 0 && padding <= 2 &&
                 text.substr(0, text.size() - padding).find_first_not_of(k_alphabet) ==
                     std::string_view::npos;
    if (!valid || text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw DecodeError("invalid base64 text");
    }
    Bytes out(text.size() / 4 * 3);
    int size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
    if (size < 0) {
        throw DecodeError("invalid base64 text");
    }
    // EVP_DecodeBlock counts the padding as zero bytes.
    out.resize(static_cast<std::size_t>(size) - padding);
    // Canonical text only: unused low bits before the padding must be zero ("Zh==" is refused).
    if (base64_encode(out) != text) {
        throw DecodeError("invalid base64 text (not canonical)");
    }
    return out;
}

} // namespace amtcfg::crypto
