// Fuzz target: what an SCEP server answers (GetCACaps text, GetCACert as a certificate or a
// PKCS#7 bundle, a CertRep, a CertRep's envelope). The first byte picks the parser.
#include "scep_wire.hpp"

#include "amtcfg/util/error.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>

namespace {

// A fixed signer for the envelope parser: made once per process.
struct Signer {
    EVP_PKEY* key = EVP_RSA_gen(1024);
    X509* certificate = X509_new();
    Signer() {
        X509_set_pubkey(certificate, key);
        X509_sign(certificate, key, EVP_sha256());
    }
};

void only_certificate_failed(void (*parse)(amtcfg::ByteView), amtcfg::ByteView data) {
    try {
        parse(data);
    } catch (const amtcfg::Error& error) {
        if (error.category() != amtcfg::ErrorCategory::certificate_failed) {
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace amtcfg::ca::detail;
    if (size == 0) {
        return 0;
    }
    amtcfg::ByteView rest(data + 1, size - 1);
    switch (data[0] % 5) {
    case 0: {
        auto caps = parse_ca_caps(
            std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()));
        if (caps.scep_standard && !(caps.post && caps.sha256 && caps.aes)) {
            __builtin_trap();
        }
        break;
    }
    case 1:
        only_certificate_failed(
            [](amtcfg::ByteView body) {
                auto out = parse_ca_certificates("application/x-x509-ca-cert", body);
                if (out.ca != out.recipient || out.all.size() != 1) {
                    __builtin_trap();
                }
            },
            rest);
        break;
    case 2:
        only_certificate_failed(
            [](amtcfg::ByteView body) {
                auto out = parse_ca_certificates("application/x-x509-ca-ra-cert", body);
                if (out.ca.empty() || out.recipient.empty() || out.all.empty()) {
                    __builtin_trap();
                }
            },
            rest);
        break;
    case 3:
        only_certificate_failed(
            [](amtcfg::ByteView body) {
                const amtcfg::Bytes nonce(16, 0x5a);
                decode_cert_rep(body, {}, "TRANSACTION", nonce);
            },
            rest);
        break;
    default:
        only_certificate_failed(
            [](amtcfg::ByteView body) {
                static const Signer signer;
                decrypt_certificates(body, signer.certificate, signer.key);
            },
            rest);
        break;
    }
    return 0;
}
