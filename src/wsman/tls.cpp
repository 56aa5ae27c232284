// Typed calls of the public-key management classes and the TLS settings
// (reference/wsman.md sections 6 and 8).
#include "amtcfg/wsman/tls.hpp"

#include "amtcfg/wsman/schema.hpp"
#include "properties.hpp"

namespace amtcfg::wsman {

using detail::bool_property;
using detail::bool_text;

namespace {

constexpr std::string_view k_certificate = "AMT_PublicKeyCertificate";
constexpr std::string_view k_key_pair = "AMT_PublicPrivateKeyPair";
constexpr std::string_view k_key_management = "AMT_PublicKeyManagementService";
constexpr std::string_view k_tls_settings = "AMT_TLSSettingData";
constexpr std::string_view k_credential_context = "AMT_TLSCredentialContext";
constexpr std::string_view k_endpoint_collection = "AMT_TLSProtocolEndpointCollection";
// The collection name Open AMT and MeshCentral send on Create; firmware reports it with a space
// ("TLSProtocolEndpoint Instances Collection") and accepts this form (reference section 6).
constexpr std::string_view k_endpoint_collection_name = "TLSProtocolEndpointInstances Collection";
// GenerateKeyPair KeyAlgorithm 0 = RSA.
constexpr std::string_view k_rsa = "0";

template <typename T, typename F>
std::vector<T> enumerate_as(Client& client, std::string_view class_name, F convert) {
    std::string uri = class_uri(class_name);
    std::vector<T> out;
    for (auto& item : client.enumerate(uri)) {
        if (item.ns == uri && item.name == class_name) {
            out.push_back(convert(std::move(item)));
        }
    }
    return out;
}

CreatedInstance created(MethodResult result, std::string_view epr_name) {
    CreatedInstance out{std::move(result), {}};
    if (const Element* epr = out.result.output.find(out.result.output.ns, epr_name)) {
        out.instance_id = epr_selector(*epr, "InstanceID");
    }
    return out;
}

TlsSettingData tls_from(Element raw) {
    TlsSettingData s;
    s.instance_id = raw.property("InstanceID");
    s.enabled = bool_property(raw, "Enabled");
    s.mutual_authentication = bool_property(raw, "MutualAuthentication");
    s.accept_non_secure_connections = bool_property(raw, "AcceptNonSecureConnections");
    if (raw.has_property("NonSecureConnectionsSupported")) {
        s.non_secure_connections_supported = bool_property(raw, "NonSecureConnectionsSupported");
    }
    for (const Element* cn : raw.find_all(raw.ns, "TrustedCN")) {
        s.trusted_cn.push_back(cn->text);
    }
    s.raw = std::move(raw);
    return s;
}

} // namespace

std::vector<PublicKeyCertificate> enumerate_public_key_certificates(Client& client) {
    return enumerate_as<PublicKeyCertificate>(client, k_certificate, [](const Element& e) {
        return PublicKeyCertificate{e.property("InstanceID"), e.property("X509Certificate"),
                                    e.property("Subject"), e.property("Issuer"),
                                    bool_property(e, "TrustedRootCertficate")};
    });
}

void delete_public_key_certificate(Client& client, std::string_view instance_id) {
    client.remove(class_uri(k_certificate), {{"InstanceID", std::string(instance_id)}});
}

std::vector<PublicPrivateKeyPair> enumerate_public_private_key_pairs(Client& client) {
    return enumerate_as<PublicPrivateKeyPair>(client, k_key_pair, [](const Element& e) {
        return PublicPrivateKeyPair{e.property("InstanceID"), e.property("DERKey")};
    });
}

void delete_public_private_key_pair(Client& client, std::string_view instance_id) {
    client.remove(class_uri(k_key_pair), {{"InstanceID", std::string(instance_id)}});
}

CreatedInstance generate_key_pair(Client& client, std::uint32_t key_length_bits) {
    return created(client.invoke(class_uri(k_key_management), "GenerateKeyPair",
                                 {{"KeyAlgorithm", std::string(k_rsa)},
                                  {"KeyLength", std::to_string(key_length_bits)}}),
                   "KeyPair");
}

CreatedInstance add_certificate(Client& client, std::string_view certificate) {
    return created(client.invoke(class_uri(k_key_management), "AddCertificate",
                                 {{"CertificateBlob", std::string(certificate)}}),
                   "CreatedCertificate");
}

CreatedInstance add_trusted_root_certificate(Client& client, std::string_view certificate) {
    return created(client.invoke(class_uri(k_key_management), "AddTrustedRootCertificate",
                                 {{"CertificateBlob", std::string(certificate)}}),
                   "CreatedCertificate");
}

CreatedInstance add_key(Client& client, const Secret& key) {
    return created(
        detail::invoke_secret(client, k_key_management, "AddKey", {{"KeyBlob", key.reveal()}}),
        "CreatedKey");
}

SignedRequest generate_pkcs10_request_ex(Client& client, std::string_view key_pair_instance_id,
                                         std::string_view null_signed_request, CsrSigning signing) {
    std::string uri = class_uri(k_key_management);
    Request request = make_invoke(uri, "GeneratePKCS10RequestEx", {});
    request.body->children.push_back(
        make_endpoint_reference(uri, "KeyPair", class_uri(k_key_pair),
                                {{"InstanceID", std::string(key_pair_instance_id)}}));
    request.body->add(uri, "SigningAlgorithm", std::to_string(static_cast<std::uint32_t>(signing)));
    request.body->add(uri, "NullSignedCertificateRequest", null_signed_request);
    SignedRequest out{client.invoke(std::move(request), "GeneratePKCS10RequestEx"), {}};
    out.signed_certificate_request = out.result.output.property("SignedCertificateRequest");
    return out;
}

std::vector<TlsSettingData> enumerate_tls_setting_data(Client& client) {
    return enumerate_as<TlsSettingData>(client, k_tls_settings, tls_from);
}

TlsSettingData put_tls_setting_data(Client& client, const TlsSettingData& settings) {
    std::string uri = class_uri(k_tls_settings);
    Element body = settings.raw;
    if (body.name.empty()) {
        body = Element{uri, std::string(k_tls_settings), {}, {}, {}};
        body.add(uri, "InstanceID", settings.instance_id);
    }
    body.set_property("MutualAuthentication", bool_text(settings.mutual_authentication));
    body.set_property("Enabled", bool_text(settings.enabled));
    body.remove_property("TrustedCN");
    for (const auto& cn : settings.trusted_cn) {
        body.add(uri, "TrustedCN", cn);
    }
    body.set_property("AcceptNonSecureConnections",
                      bool_text(settings.accept_non_secure_connections));
    Envelope answer =
        client.put(uri, std::move(body), {{"InstanceID", std::string(settings.instance_id)}});
    return tls_from(detail::instance(answer, k_tls_settings));
}

namespace {

Element context_body(const EndpointReference& element, const EndpointReference& provider) {
    std::string uri = class_uri(k_credential_context);
    Element context{uri, std::string(k_credential_context), {}, {}, {}};
    context.children.push_back(
        make_endpoint_reference(uri, "ElementInContext", element.resource_uri, element.selectors));
    context.children.push_back(make_endpoint_reference(uri, "ElementProvidingContext",
                                                       provider.resource_uri, provider.selectors));
    return context;
}

EndpointReference certificate_reference(std::string_view certificate_instance_id) {
    return {std::string(k_anonymous),
            class_uri(k_certificate),
            {{"InstanceID", std::string(certificate_instance_id)}}};
}

TlsCredentialContext context_from(const Element& e) {
    TlsCredentialContext out;
    if (const Element* epr = e.find(e.ns, "ElementInContext")) {
        out.element_in_context = parse_endpoint_reference(*epr);
        out.certificate_instance_id = out.element_in_context.selector("InstanceID");
    }
    if (const Element* epr = e.find(e.ns, "ElementProvidingContext")) {
        out.element_providing_context = parse_endpoint_reference(*epr);
    }
    return out;
}

} // namespace

void put_tls_credential_context(Client& client, const TlsCredentialContext& current,
                                std::string_view certificate_instance_id) {
    client.put(class_uri(k_credential_context),
               context_body(certificate_reference(certificate_instance_id),
                            current.element_providing_context));
}

CreateOutcome create_tls_credential_context(Client& client,
                                            std::string_view certificate_instance_id) {
    std::string uri = class_uri(k_credential_context);
    EndpointReference collection{std::string(k_anonymous),
                                 class_uri(k_endpoint_collection),
                                 {{"ElementName", std::string(k_endpoint_collection_name)}}};
    Request request =
        make_create(uri, context_body(certificate_reference(certificate_instance_id), collection));
    Reply reply = client.exchange(request);
    if (!reply.fault) {
        return CreateOutcome::created;
    }
    if (reply.fault->subcode == "AlreadyExists") {
        return CreateOutcome::already_existed;
    }
    throw fault_error(*reply.fault, request.what);
}

void delete_tls_credential_context(Client& client, const TlsCredentialContext& context) {
    client.remove(
        class_uri(k_credential_context),
        {{"ElementInContext", {}, std::make_shared<EndpointReference>(context.element_in_context)},
         {"ElementProvidingContext",
          {},
          std::make_shared<EndpointReference>(context.element_providing_context)}});
}

std::vector<TlsCredentialContext> enumerate_tls_credential_contexts(Client& client) {
    return enumerate_as<TlsCredentialContext>(client, k_credential_context, context_from);
}

} // namespace amtcfg::wsman
