// The certificate request amtcfg gives AMT to sign (GeneratePKCS10RequestEx): AMT holds the
// private key, so amtcfg builds the request for AMT's public key and AMT replaces the signature.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/secret.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::crypto {

// An attribute of the request (RFC 2986 section 4.1), such as the SCEP challengePassword.
struct RequestAttribute {
    std::string oid; // dotted
    Secret value;    // encoded as a UTF8String
};

struct RequestContent {
    std::string common_name;
    std::vector<std::string> dns_names; // subjectAltName (extensionRequest)
    std::vector<RequestAttribute> attributes;
};

// A PKCS#10 request (DER) for the RSA public key `rsa_public_key` (PKCS#1 RSAPublicKey DER, as
// AMT_PublicPrivateKeyPair.DERKey gives it) with the subject CN, the SANs (and the serverAuth
// extended key usage) requested, the attributes, and an empty sha256WithRSAEncryption signature
// for AMT to fill in. Error(amt_unavailable) when the key is not an RSA public key.
Bytes null_signed_request(ByteView rsa_public_key, const RequestContent& content);

// The PKCS#1 RSAPublicKey DER of a certificate's key (as AMT_PublicPrivateKeyPair.DERKey gives
// a key pair's), to find the key pair a certificate belongs to; empty when it is not RSA.
Bytes rsa_public_key_of_certificate(ByteView certificate_der);

} // namespace amtcfg::crypto
