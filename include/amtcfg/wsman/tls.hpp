// Typed calls for AMT's certificate store and TLS settings (reference/wsman.md sections 6 and 8).
#pragma once

#include "amtcfg/util/secret.hpp"
#include "amtcfg/wsman/client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

// AMT_PublicKeyCertificate instances ("Intel(r) AMT Certificate: Handle: N").
struct PublicKeyCertificate {
    std::string instance_id;
    std::string x509_certificate; // base64 DER
    std::string subject;
    std::string issuer;
    bool trusted_root = false; // the property is spelled TrustedRootCertficate by AMT
};
std::vector<PublicKeyCertificate> enumerate_public_key_certificates(Client& client);
void delete_public_key_certificate(Client& client, std::string_view instance_id);

// AMT_PublicPrivateKeyPair instances ("Intel(r) AMT Key: Handle: N").
struct PublicPrivateKeyPair {
    std::string instance_id;
    std::string der_key; // base64 PKCS#1 RSAPublicKey (AMT exports only the public part)
};
std::vector<PublicPrivateKeyPair> enumerate_public_private_key_pairs(Client& client);
void delete_public_private_key_pair(Client& client, std::string_view instance_id);

// A method result whose output names a created instance by an endpoint reference.
struct CreatedInstance {
    MethodResult result;
    std::string instance_id; // InstanceID selector of the EPR; empty when the call failed
};

// AMT_PublicKeyManagementService.
CreatedInstance generate_key_pair(Client& client, std::uint32_t key_length_bits);
CreatedInstance add_certificate(Client& client, std::string_view certificate);
CreatedInstance add_trusted_root_certificate(Client& client, std::string_view certificate);
// AddKey: `key` is base64 DER of the private key (2058 DUPLICATE when AMT already has it).
CreatedInstance add_key(Client& client, const Secret& key);

enum class CsrSigning : std::uint32_t { sha1_rsa = 0, sha256_rsa = 1 };
struct SignedRequest {
    MethodResult result;
    std::string signed_certificate_request; // base64 DER
};
// GeneratePKCS10RequestEx: AMT re-signs `null_signed_request` (base64 DER) with the key pair.
SignedRequest generate_pkcs10_request_ex(Client& client, std::string_view key_pair_instance_id,
                                         std::string_view null_signed_request, CsrSigning signing);

// AMT_TLSSettingData: "Intel(r) AMT 802.3 TLS Settings" (remote) and "Intel(r) AMT LMS TLS
// Settings" (local).
struct TlsSettingData {
    std::string instance_id;
    bool enabled = false;
    bool mutual_authentication = false;
    bool accept_non_secure_connections = false;
    std::optional<bool> non_secure_connections_supported; // CSME 16.1+, read-only
    std::vector<std::string> trusted_cn;
    Element raw;
};
std::vector<TlsSettingData> enumerate_tls_setting_data(Client& client);
// Puts Enabled, MutualAuthentication, AcceptNonSecureConnections and TrustedCN over `raw`, with
// the InstanceID selector.
TlsSettingData put_tls_setting_data(Client& client, const TlsSettingData& settings);

// An AMT_TLSCredentialContext as AMT lists it: an association of two endpoint references and no
// key property of its own, so these references are what names it.
struct TlsCredentialContext {
    std::string certificate_instance_id;         // ElementInContext's InstanceID
    EndpointReference element_in_context;        // -> AMT_PublicKeyCertificate
    EndpointReference element_providing_context; // -> AMT_TLSProtocolEndpointCollection
};
std::vector<TlsCredentialContext> enumerate_tls_credential_contexts(Client& client);

// AMT_TLSCredentialContext Create binding the certificate to the TLS endpoint collection.
// AlreadyExists is an answer, not an error (RPS and rpc-go treat it as done).
enum class CreateOutcome { created, already_existed };
CreateOutcome create_tls_credential_context(Client& client,
                                            std::string_view certificate_instance_id);
// Binds another certificate to the existing context (rpc-go's updateTLSCredentialContext, when
// TLS is already on): a Put with no header selectors, as RPS and rpc-go send it (AMT finds the
// instance from the body), whose ElementProvidingContext echoes the one AMT listed for
// `current` (RPS: a hand-built one is refused by AMT 22).
void put_tls_credential_context(Client& client, const TlsCredentialContext& current,
                                std::string_view certificate_instance_id);
// Deletes the context with the two references AMT listed as its selectors, each holding a
// nested endpoint reference (RPS unconfiguration.ts deleteTLSCredentialContext).
void delete_tls_credential_context(Client& client, const TlsCredentialContext& context);

} // namespace amtcfg::wsman
