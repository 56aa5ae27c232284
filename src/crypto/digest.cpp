// MD5(user:realm:password) in the two encodings AMT's setup and ACL methods take.
#include "amtcfg/crypto/digest.hpp"

#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/util/error.hpp"
#include "openssl.hpp"

#include <openssl/crypto.h>

#include <array>

namespace amtcfg::crypto {

namespace {

using Md5 = std::array<unsigned char, 16>;

// MD5 of "user:realm:password"; the input buffer is wiped after hashing.
Md5 ha1(std::string_view user, std::string_view realm, const Secret& password) {
    std::string input;
    input.reserve(user.size() + realm.size() + password.size() + 2);
    input.append(user).append(":").append(realm).append(":").append(password.reveal());
    Md5 out{};
    unsigned int size = 0;
    bool ok = EVP_Digest(input.data(), input.size(), out.data(), &size, EVP_md5(), nullptr) == 1;
    wipe_string(input);
    if (!ok || size != out.size()) {
        throw Error(ErrorCategory::internal,
                    "cannot compute MD5 (is OpenSSL in FIPS-only mode?): " + detail::last_error());
    }
    return out;
}

} // namespace

Secret network_admin_password(std::string_view realm, const Secret& password) {
    Md5 digest = ha1("admin", realm, password);
    constexpr std::string_view k_hex = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (unsigned char byte : digest) {
        out += k_hex[byte >> 4U];
        out += k_hex[byte & 0xfU];
    }
    OPENSSL_cleanse(digest.data(), digest.size());
    return Secret(std::move(out));
}

Secret digest_password_base64(std::string_view user, std::string_view realm,
                              const Secret& password) {
    Md5 digest = ha1(user, realm, password);
    Secret out(base64_encode(ByteView(digest.data(), digest.size())));
    OPENSSL_cleanse(digest.data(), digest.size());
    return out;
}

} // namespace amtcfg::crypto
