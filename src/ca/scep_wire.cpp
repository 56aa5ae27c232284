// SCEP messages on OpenSSL's PKCS#7 (RFC 8894 sections 3 and 4).
#include "scep_wire.hpp"
#include "ossl.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <optional>

namespace amtcfg::ca::detail {

namespace {

using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
void free_stack(STACK_OF(X509) * stack) {
    sk_X509_free(stack);
}
using StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<free_stack>>;

// RFC 8894 section 3.2.1: the SCEP attributes, id-VeriSign pki attributes.
enum class ScepAttribute {
    message_type,
    pki_status,
    fail_info,
    sender_nonce,
    recipient_nonce,
    transaction_id
};
struct AttributeEntry {
    ScepAttribute attribute;
    const char* oid;
    const char* name;
};
constexpr std::array k_attributes{
    AttributeEntry{ScepAttribute::message_type, "2.16.840.1.113733.1.9.2", "scepMessageType"},
    AttributeEntry{ScepAttribute::pki_status, "2.16.840.1.113733.1.9.3", "scepPkiStatus"},
    AttributeEntry{ScepAttribute::fail_info, "2.16.840.1.113733.1.9.4", "scepFailInfo"},
    AttributeEntry{ScepAttribute::sender_nonce, "2.16.840.1.113733.1.9.5", "scepSenderNonce"},
    AttributeEntry{ScepAttribute::recipient_nonce, "2.16.840.1.113733.1.9.6", "scepRecipientNonce"},
    AttributeEntry{ScepAttribute::transaction_id, "2.16.840.1.113733.1.9.7", "scepTransactionID"},
};

// RFC 8894 section 3.2.1.4.5.
constexpr std::array<std::string_view, 5> k_fail_info{"badAlg", "badMessageCheck", "badRequest",
                                                      "badTime", "badCertId"};

int nid_of(ScepAttribute attribute) {
    static std::array<int, k_attributes.size()> nids{};
    static std::once_flag once;
    std::call_once(once, [] {
        for (std::size_t i = 0; i < k_attributes.size(); ++i) {
            int nid = OBJ_txt2nid(k_attributes[i].oid);
            nids[i] = nid != NID_undef ? nid
                                       : OBJ_create(k_attributes[i].oid, k_attributes[i].name,
                                                    k_attributes[i].name);
        }
    });
    return nids[static_cast<std::size_t>(attribute)];
}

[[noreturn]] void fail(const std::string& message) {
    ERR_clear_error();
    throw Error(ErrorCategory::certificate_failed, message);
}

Pkcs7Ptr pkcs7_from_der(ByteView der) {
    const unsigned char* cursor = der.data();
    Pkcs7Ptr out(d2i_PKCS7(nullptr, &cursor, static_cast<long>(der.size())));
    if (!out || cursor != der.data() + der.size()) {
        ERR_clear_error();
        return nullptr;
    }
    return out;
}

template <typename T, typename Encode> Bytes der_with(T* value, Encode encode) {
    int size = encode(value, nullptr);
    if (size <= 0) {
        throw Error(ErrorCategory::internal, "cannot encode an SCEP message: " + last_error());
    }
    Bytes out(static_cast<std::size_t>(size));
    unsigned char* cursor = out.data();
    encode(value, &cursor);
    return out;
}

std::string lower_media_type(std::string_view content_type) {
    std::string out(content_type.substr(0, content_type.find(';')));
    out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return out;
}

bool is_ca(X509* certificate) {
    return X509_check_ca(certificate) != 0;
}

bool issued_by(X509* certificate, X509* issuer) {
    bool out = X509_check_issued(issuer, certificate) == X509_V_OK &&
               X509_verify(certificate, X509_get0_pubkey(issuer)) == 1;
    ERR_clear_error();
    return out;
}

// The RA certificate to encrypt to: keyEncipherment, else one without a keyUsage extension.
X509* encryption_certificate(const std::vector<X509*>& ras) {
    for (X509* ra : ras) {
        if ((X509_get_extension_flags(ra) & EXFLAG_KUSAGE) != 0 &&
            (X509_get_key_usage(ra) & KU_KEY_ENCIPHERMENT) != 0) {
            return ra;
        }
    }
    for (X509* ra : ras) {
        if ((X509_get_extension_flags(ra) & EXFLAG_KUSAGE) == 0) {
            return ra;
        }
    }
    return nullptr;
}

ScepCertificates from_bundle(STACK_OF(X509) * certificates) {
    std::vector<X509*> cas;
    std::vector<X509*> ras;
    ScepCertificates out;
    for (int i = 0; certificates != nullptr && i < sk_X509_num(certificates); ++i) {
        X509* certificate = sk_X509_value(certificates, i);
        (is_ca(certificate) ? cas : ras).push_back(certificate);
        out.all.push_back(der_of(certificate));
    }
    if (cas.empty()) {
        fail("GetCACert returned no CA certificate");
    }
    // The issuing CA: the one that issued the RA certificates; without RA, the CA that issued
    // no other CA certificate of the answer (the end of the chain).
    X509* ca = nullptr;
    for (X509* candidate : cas) {
        bool issues_ras = !ras.empty() && issued_by(ras.front(), candidate);
        bool issues_cas = std::any_of(cas.begin(), cas.end(), [&](X509* other) {
            return other != candidate && issued_by(other, candidate);
        });
        if (ras.empty() ? !issues_cas : issues_ras) {
            ca = candidate;
        }
    }
    if (ca == nullptr) {
        fail(ras.empty() ? "GetCACert's CA certificates do not form a chain"
                         : fmt::format("GetCACert's RA certificate {} is not issued by any CA "
                                       "certificate of the answer",
                                       subject_of(ras.front())));
    }
    for (X509* ra : ras) {
        if (!issued_by(ra, ca)) {
            fail(fmt::format("GetCACert's RA certificate {} is not issued by the CA {}",
                             subject_of(ra), subject_of(ca)));
        }
    }
    X509* recipient = ras.empty() ? ca : encryption_certificate(ras);
    if (recipient == nullptr) {
        fail("GetCACert's RA certificates allow no key encipherment (no certificate to encrypt "
             "the request to)");
    }
    out.ca = der_of(ca);
    out.recipient = der_of(recipient);
    return out;
}

bool add_printable(PKCS7_SIGNER_INFO* info, int nid, std::string_view text) {
    ASN1_STRING* value = ASN1_STRING_type_new(V_ASN1_PRINTABLESTRING);
    if (value == nullptr ||
        ASN1_STRING_set(value, text.data(), static_cast<int>(text.size())) != 1 ||
        PKCS7_add_signed_attribute(info, nid, V_ASN1_PRINTABLESTRING, value) != 1) {
        ASN1_STRING_free(value);
        return false;
    }
    return true;
}

bool add_octets(PKCS7_SIGNER_INFO* info, int nid, ByteView bytes) {
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    if (value == nullptr ||
        ASN1_OCTET_STRING_set(value, bytes.data(), static_cast<int>(bytes.size())) != 1 ||
        PKCS7_add_signed_attribute(info, nid, V_ASN1_OCTET_STRING, value) != 1) {
        ASN1_OCTET_STRING_free(value);
        return false;
    }
    return true;
}

// The value of a signed attribute of the given ASN.1 type, or nullopt when absent or another type.
std::optional<std::string> attribute(PKCS7_SIGNER_INFO* info, ScepAttribute which, int type) {
    ASN1_TYPE* value = PKCS7_get_signed_attribute(info, nid_of(which));
    if (value == nullptr || value->type != type) {
        return std::nullopt;
    }
    const ASN1_STRING* text = value->value.asn1_string;
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                       static_cast<std::size_t>(ASN1_STRING_length(text)));
}

Bytes content_of(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return Bytes(data, data + size);
}

void append_length(Bytes& out, std::size_t length) {
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
        return;
    }
    Bytes digits;
    for (std::size_t rest = length; rest != 0; rest >>= 8) {
        digits.insert(digits.begin(), static_cast<std::uint8_t>(rest & 0xff));
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | digits.size()));
    out.insert(out.end(), digits.begin(), digits.end());
}

// Single DES (RFC 8894 section 3.5.2: the cipher without "AES" or "DES3" in GetCACaps) is in
// OpenSSL 3's legacy provider only. Some servers answer with it whatever the request used
// (scepserver of the Debian scep package does); what it protects is the issued certificate,
// which is public anyway. The provider is loaded next to the default one only while such an
// answer is decrypted.
class SingleDes {
public:
    explicit SingleDes(bool needed) {
        if (needed) {
            m_default = OSSL_PROVIDER_load(nullptr, "default");
            m_legacy = OSSL_PROVIDER_load(nullptr, "legacy");
            ERR_clear_error();
        }
    }
    ~SingleDes() {
        if (m_legacy != nullptr) {
            OSSL_PROVIDER_unload(m_legacy);
        }
        if (m_default != nullptr) {
            OSSL_PROVIDER_unload(m_default);
        }
    }
    SingleDes(const SingleDes&) = delete;
    SingleDes& operator=(const SingleDes&) = delete;

private:
    OSSL_PROVIDER* m_default = nullptr;
    OSSL_PROVIDER* m_legacy = nullptr;
};

} // namespace

ScepCaps parse_ca_caps(std::string_view text) {
    ScepCaps caps;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::string line(
            text.substr(start, end == std::string_view::npos ? text.size() - start : end - start));
        line.erase(
            std::remove_if(line.begin(), line.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
            line.end());
        std::transform(line.begin(), line.end(), line.begin(), [](char c) {
            return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        caps.post = caps.post || line == "postpkioperation";
        caps.renewal = caps.renewal || line == "renewal";
        caps.sha256 = caps.sha256 || line == "sha-256";
        caps.aes = caps.aes || line == "aes";
        caps.scep_standard = caps.scep_standard || line == "scepstandard";
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    if (caps.scep_standard) {
        caps.post = caps.sha256 = caps.aes = true;
    }
    return caps;
}

ScepCertificates parse_ca_certificates(std::string_view content_type, ByteView body) {
    std::string type = lower_media_type(content_type);
    if (type == "application/x-x509-ca-cert") {
        X509Ptr certificate = certificate_from_der(body);
        if (!certificate) {
            fail("GetCACert's answer (application/x-x509-ca-cert) is not a DER certificate");
        }
        if (!is_ca(certificate.get())) {
            fail(fmt::format("GetCACert's certificate {} is not a CA certificate",
                             subject_of(certificate.get())));
        }
        Bytes der = der_of(certificate.get());
        return ScepCertificates{der, der, {der}};
    }
    if (type == "application/x-x509-ca-ra-cert") {
        Pkcs7Ptr bundle = pkcs7_from_der(body);
        if (!bundle || PKCS7_type_is_signed(bundle.get()) == 0 || bundle->d.sign == nullptr) {
            fail("GetCACert's answer (application/x-x509-ca-ra-cert) is not a PKCS#7 "
                 "certificate bundle");
        }
        return from_bundle(bundle->d.sign->cert);
    }
    fail(fmt::format("GetCACert answered with the content type \"{}\" (expected "
                     "application/x-x509-ca-cert or application/x-x509-ca-ra-cert)",
                     strip_controls(content_type)));
}

Bytes issuer_and_subject(X509_NAME* issuer, X509_NAME* subject) {
    Bytes names = der_with(issuer, i2d_X509_NAME);
    Bytes second = der_with(subject, i2d_X509_NAME);
    names.insert(names.end(), second.begin(), second.end());
    Bytes out{0x30};
    append_length(out, names.size());
    out.insert(out.end(), names.begin(), names.end());
    return out;
}

Bytes encode_pki_message(const PkiRequest& request, X509* recipient, X509* signer, EVP_PKEY* key,
                         const EVP_CIPHER* cipher, const EVP_MD* digest) {
    StackPtr recipients(sk_X509_new_null());
    sk_X509_push(recipients.get(), recipient);
    auto inner = memory_bio(request.inner);
    Pkcs7Ptr envelope(PKCS7_encrypt(recipients.get(), inner.get(), cipher, PKCS7_BINARY));
    if (!envelope) {
        throw Error(ErrorCategory::internal, "cannot encrypt the SCEP request: " + last_error());
    }
    Bytes enveloped = der_with(envelope.get(), i2d_PKCS7);

    Pkcs7Ptr message(PKCS7_new());
    PKCS7_SIGNER_INFO* info = nullptr;
    bool built =
        message && PKCS7_set_type(message.get(), NID_pkcs7_signed) == 1 &&
        (info = PKCS7_add_signature(message.get(), signer, key, digest)) != nullptr &&
        PKCS7_add_certificate(message.get(), signer) == 1 &&
        PKCS7_add_signed_attribute(info, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                   OBJ_nid2obj(NID_pkcs7_data)) == 1 &&
        add_printable(info, nid_of(ScepAttribute::message_type), request.message_type) &&
        add_printable(info, nid_of(ScepAttribute::transaction_id), request.transaction_id) &&
        add_octets(info, nid_of(ScepAttribute::sender_nonce), request.sender_nonce) &&
        PKCS7_content_new(message.get(), NID_pkcs7_data) == 1;
    BIO* data = built ? PKCS7_dataInit(message.get(), nullptr) : nullptr;
    built = data != nullptr &&
            BIO_write(data, enveloped.data(), static_cast<int>(enveloped.size())) ==
                static_cast<int>(enveloped.size()) &&
            BIO_flush(data) == 1 && PKCS7_dataFinal(message.get(), data) == 1;
    BIO_free_all(data);
    if (!built) {
        throw Error(ErrorCategory::internal, "cannot sign the SCEP request: " + last_error());
    }
    return der_with(message.get(), i2d_PKCS7);
}

CertRep decode_cert_rep(ByteView der, const std::vector<Bytes>& signers,
                        std::string_view transaction_id, ByteView sender_nonce) {
    Pkcs7Ptr message = pkcs7_from_der(der);
    if (!message || PKCS7_type_is_signed(message.get()) == 0) {
        fail("the SCEP answer is not a PKCS#7 signedData");
    }
    std::vector<X509Ptr> owned;
    StackPtr certificates(sk_X509_new_null());
    for (const auto& signer : signers) {
        owned.push_back(certificate_from_der(signer));
        if (owned.back()) {
            sk_X509_push(certificates.get(), owned.back().get());
        }
    }
    StorePtr store(X509_STORE_new());
    BioPtr out(BIO_new(BIO_s_mem()));
    BioPtr detached = PKCS7_get_detached(message.get()) != 0 ? memory_bio({}) : nullptr;
    // Only the certificates of GetCACert may sign it (NOINTERN), and they are trusted as they
    // are (NOVERIFY): they were checked (and pinned) when they were fetched.
    if (PKCS7_verify(message.get(), certificates.get(), store.get(), detached.get(), out.get(),
                     PKCS7_NOVERIFY | PKCS7_NOINTERN | PKCS7_BINARY) != 1) {
        fail("the SCEP answer's signature does not verify with the CA or RA certificates of "
             "GetCACert: " +
             last_error());
    }
    PKCS7_SIGNER_INFO* info = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(message.get()), 0);
    if (info == nullptr) {
        fail("the SCEP answer has no signer");
    }
    auto type = attribute(info, ScepAttribute::message_type, V_ASN1_PRINTABLESTRING);
    if (type != scep_message_type::cert_rep) {
        fail(fmt::format("the SCEP answer is not a CertRep (messageType {})",
                         strip_controls(type.value_or("missing"))));
    }
    if (attribute(info, ScepAttribute::transaction_id, V_ASN1_PRINTABLESTRING) != transaction_id) {
        fail("the SCEP answer is for another transaction (transactionID differs)");
    }
    auto nonce = attribute(info, ScepAttribute::recipient_nonce, V_ASN1_OCTET_STRING);
    if (!nonce ||
        !std::equal(nonce->begin(), nonce->end(), sender_nonce.begin(), sender_nonce.end(),
                    [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; })) {
        fail("the SCEP answer's recipientNonce is not the request's senderNonce (a replay?)");
    }
    auto status = attribute(info, ScepAttribute::pki_status, V_ASN1_PRINTABLESTRING);
    CertRep rep;
    if (status == "0") {
        rep.status = CertRep::Status::success;
        rep.enveloped = content_of(out.get());
    } else if (status == "3") {
        rep.status = CertRep::Status::pending;
    } else if (status == "2") {
        rep.status = CertRep::Status::failure;
        auto info_text = attribute(info, ScepAttribute::fail_info, V_ASN1_PRINTABLESTRING);
        std::size_t index = info_text && info_text->size() == 1
                                ? static_cast<std::size_t>((*info_text)[0] - '0')
                                : k_fail_info.size();
        rep.fail_info =
            index < k_fail_info.size()
                ? std::string(k_fail_info[index])
                : fmt::format("failInfo {}", strip_controls(info_text.value_or("missing")));
    } else {
        fail(fmt::format("the SCEP answer has an unknown pkiStatus {}",
                         strip_controls(status.value_or("(missing)"))));
    }
    return rep;
}

std::vector<Bytes> decrypt_certificates(ByteView enveloped, X509* signer, EVP_PKEY* key) {
    Pkcs7Ptr envelope = pkcs7_from_der(enveloped);
    if (!envelope || PKCS7_type_is_enveloped(envelope.get()) == 0) {
        fail("the SCEP CertRep does not carry a PKCS#7 envelope");
    }
    SingleDes single_des(OBJ_obj2nid(envelope->d.enveloped->enc_data->algorithm->algorithm) ==
                         NID_des_cbc);
    BioPtr out(BIO_new(BIO_s_mem()));
    if (PKCS7_decrypt(envelope.get(), key, signer, out.get(), PKCS7_BINARY) != 1) {
        fail("cannot decrypt the SCEP CertRep's envelope: " + last_error());
    }
    Pkcs7Ptr bundle = pkcs7_from_der(content_of(out.get()));
    if (!bundle || PKCS7_type_is_signed(bundle.get()) == 0 || bundle->d.sign->cert == nullptr) {
        fail("the SCEP CertRep's envelope holds no certificate bundle");
    }
    std::vector<Bytes> certificates;
    for (int i = 0; i < sk_X509_num(bundle->d.sign->cert); ++i) {
        certificates.push_back(der_of(sk_X509_value(bundle->d.sign->cert, i)));
    }
    if (certificates.empty()) {
        fail("the SCEP CertRep's envelope holds no certificate");
    }
    return certificates;
}

} // namespace amtcfg::ca::detail
