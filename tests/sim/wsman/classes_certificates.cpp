// AMT's certificate store: AMT_PublicKeyManagementService, AMT_PublicKeyCertificate,
// AMT_PublicPrivateKeyPair and AMT_TLSCredentialContext (wsman.md sections 6 and 8). The
// return values the reference does not give are the simulator's choices (tests/sim/README.md,
// "Certificates and TLS configuration").
#include "wsman/classes.hpp"
#include "wsman/key_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace amtcfg::sim {
namespace {

constexpr std::uint32_t k_pt_success = 0;
constexpr std::uint32_t k_pt_internal_error = 1;
constexpr std::uint32_t k_pt_invalid_parameter = 36;
constexpr std::uint32_t k_pt_invalid_handle = 2053;
constexpr std::uint32_t k_pt_duplicate = 2058;
constexpr std::uint32_t k_pt_pki_missing_keys = 2060;
constexpr std::uint32_t k_pt_invalid_key = 2062;
constexpr std::uint32_t k_pt_invalid_cert = 2063;
constexpr std::uint32_t k_pt_cert_key_not_match = 2064;
constexpr std::uint32_t k_pt_unsupported = 2066;

constexpr std::uint32_t k_rsa = 0;
constexpr std::uint32_t k_key_length = 2048;
constexpr std::uint32_t k_sha1_rsa = 0;
constexpr std::uint32_t k_sha256_rsa = 1;
constexpr int k_first_major_without_sha1 = 18; // CSME 18 removed SHA-1 CSR signing

constexpr std::string_view k_certificate_class = "AMT_PublicKeyCertificate";
constexpr std::string_view k_key_pair_class = "AMT_PublicPrivateKeyPair";
constexpr std::string_view k_collection_class = "AMT_TLSProtocolEndpointCollection";
constexpr std::string_view k_key_prefix = "Intel(r) AMT Key: Handle: ";
constexpr std::string_view k_certificate_prefix = "Intel(r) AMT Certificate: Handle: ";
// The collection's name as firmware reports it, and the form Open AMT and MeshCentral send on
// Create; both are accepted (wsman.md section 6).
constexpr std::string_view k_collection_name = "TLSProtocolEndpoint Instances Collection";
constexpr std::string_view k_collection_name_sent = "TLSProtocolEndpointInstances Collection";

std::string amt_uri(std::string_view class_name) {
    return std::string(ns::amt_schema) + std::string(class_name);
}

std::optional<std::uint32_t> handle_of(std::string_view instance_id, std::string_view prefix) {
    if (!instance_id.starts_with(prefix)) {
        return std::nullopt;
    }
    auto digits = instance_id.substr(prefix.size());
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return value;
}

std::string key_id(std::uint32_t handle) {
    return std::string(k_key_prefix) + std::to_string(handle);
}
std::string certificate_id(std::uint32_t handle) {
    return std::string(k_certificate_prefix) + std::to_string(handle);
}

template <class T> std::uint32_t next_handle(const std::vector<T>& items) {
    std::uint32_t next = 0;
    for (const auto& item : items) {
        next = std::max(next, item.handle + 1);
    }
    return next;
}

const StoredKeyPair* key_for(const CertificateStore& store, const Bytes& rsa_public_key) {
    for (const auto& key : store.keys) {
        if (!rsa_public_key.empty() && rsa_public_key_der(key.private_key_pem) == rsa_public_key) {
            return &key;
        }
    }
    return nullptr;
}

const StoredCertificate* certificate_by_handle(const CertificateStore& store,
                                               std::uint32_t handle) {
    for (const auto& cert : store.certificates) {
        if (cert.handle == handle) {
            return &cert;
        }
    }
    return nullptr;
}

std::optional<CertificateFacts> facts_of(const StoredCertificate& cert) {
    auto der = base64_decode(cert.der_base64);
    return der ? certificate_facts(*der) : std::nullopt;
}

// --- AMT_PublicKeyManagementService ----------------------------------------------------------

std::vector<Instance> key_management_instances(CallContext&) {
    return {Instance{{"CreationClassName", "AMT_PublicKeyManagementService"},
                     {"ElementName", "Intel(r) AMT Public Key Management Service"},
                     {"EnabledState", "5"},
                     {"Name", "Intel(r) AMT Public Key Management Service"},
                     {"RequestedState", "12"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"}}};
}

MethodOutput generate_key_pair(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto algorithm = uint_arg(input, "KeyAlgorithm");
    auto length = uint_arg(input, "KeyLength");
    if (!algorithm || !length) {
        return {{}, k_pt_invalid_parameter};
    }
    if (*algorithm != k_rsa || *length != k_key_length) {
        return {{}, k_pt_unsupported};
    }
    auto& store = context.state.wsman.certificates;
    std::string pem;
    if (!store.pregenerated_keys.empty()) { // the test knob: a key chosen beforehand
        pem = store.pregenerated_keys.front();
        store.pregenerated_keys.erase(store.pregenerated_keys.begin());
    } else {
        pem = generate_rsa_key_pem(static_cast<int>(k_key_length));
    }
    if (pem.empty() || !rsa_public_key_der(pem)) {
        return {{}, k_pt_internal_error};
    }
    auto handle = next_handle(store.keys);
    store.keys.push_back({handle, std::move(pem)});
    return {
        {{"KeyPair", reference_xml(amt_uri(k_key_pair_class), {{"InstanceID", key_id(handle)}})}},
        k_pt_success};
}

MethodOutput generate_pkcs10_request_ex(CallContext& context, const MethodInput& input,
                                        pugi::xml_node node) {
    auto reference =
        read_reference(child(node, amt_uri("AMT_PublicKeyManagementService"), "KeyPair"));
    auto signing = uint_arg(input, "SigningAlgorithm");
    auto request = base64_arg(input, "NullSignedCertificateRequest");
    if (!reference || !signing || !request || request->empty() ||
        (*signing != k_sha1_rsa && *signing != k_sha256_rsa)) {
        return {{}, k_pt_invalid_parameter};
    }
    if (*signing == k_sha1_rsa && amt_major(context.state) >= k_first_major_without_sha1) {
        return {{}, k_pt_unsupported};
    }
    auto handle = reference->resource_uri == amt_uri(k_key_pair_class)
                      ? handle_of(reference->selectors["InstanceID"], k_key_prefix)
                      : std::nullopt;
    const auto& keys = context.state.wsman.certificates.keys;
    auto key = std::find_if(keys.begin(), keys.end(),
                            [&](const StoredKeyPair& k) { return handle && k.handle == *handle; });
    if (key == keys.end()) {
        return {{}, k_pt_invalid_handle};
    }
    auto signed_request = resign_request(*request, key->private_key_pem, *signing == k_sha256_rsa);
    if (!signed_request.request) {
        return {{},
                signed_request.error == ResignError::signing_failed ? k_pt_internal_error
                                                                    : k_pt_invalid_parameter};
    }
    return {{{"SignedCertificateRequest", base64_encode(*signed_request.request)}}, k_pt_success};
}

// Shared by AddCertificate and AddTrustedRootCertificate.
MethodOutput add_to_store(CallContext& context, const MethodInput& input, bool trusted_root) {
    auto der = base64_arg(input, "CertificateBlob");
    auto facts = der && !der->empty() ? certificate_facts(*der) : std::nullopt;
    if (!facts || (trusted_root && !facts->ca)) {
        return {{}, k_pt_invalid_cert};
    }
    auto& store = context.state.wsman.certificates;
    auto text = base64_encode(*der);
    for (const auto& cert : store.certificates) {
        if (cert.der_base64 == text && cert.trusted_root == trusted_root) {
            return {{}, k_pt_duplicate};
        }
    }
    if (!trusted_root) {
        if (store.keys.empty()) {
            return {{}, k_pt_pki_missing_keys};
        }
        if (key_for(store, facts->rsa_public_key) == nullptr) {
            return {{}, k_pt_cert_key_not_match};
        }
    }
    auto handle = next_handle(store.certificates);
    store.certificates.push_back({handle, text, trusted_root});
    return {{{"CreatedCertificate", reference_xml(amt_uri(k_certificate_class),
                                                  {{"InstanceID", certificate_id(handle)}})}},
            k_pt_success};
}

MethodOutput add_certificate(CallContext& context, const MethodInput& input, pugi::xml_node) {
    return add_to_store(context, input, false);
}

MethodOutput add_trusted_root_certificate(CallContext& context, const MethodInput& input,
                                          pugi::xml_node) {
    return add_to_store(context, input, true);
}

// AddKey(KeyBlob): a private key the client made (wsman.md section 6: 2058 = duplicate key).
MethodOutput add_key(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto der = base64_arg(input, "KeyBlob");
    auto pem = der && !der->empty() ? rsa_key_pem_from_der(*der) : std::string();
    if (pem.empty()) {
        return {{}, k_pt_invalid_key};
    }
    auto& store = context.state.wsman.certificates;
    if (key_for(store, rsa_public_key_der(pem).value_or(Bytes{})) != nullptr) {
        return {{}, k_pt_duplicate};
    }
    auto handle = next_handle(store.keys);
    store.keys.push_back({handle, std::move(pem)});
    return {{{"CreatedKey",
              reference_xml(amt_uri(k_key_pair_class), {{"InstanceID", key_id(handle)}})}},
            k_pt_success};
}

constexpr MethodSpec k_key_management_methods[] = {
    {"AddKey", add_key},
    {"GenerateKeyPair", generate_key_pair},
    {"GeneratePKCS10RequestEx", generate_pkcs10_request_ex},
    {"AddCertificate", add_certificate},
    {"AddTrustedRootCertificate", add_trusted_root_certificate},
};

// --- AMT_PublicKeyCertificate, AMT_PublicPrivateKeyPair ---------------------------------------

std::vector<Instance> certificate_instances(CallContext& context) {
    std::vector<Instance> out;
    for (const auto& cert : context.state.wsman.certificates.certificates) {
        auto facts = facts_of(cert).value_or(CertificateFacts{});
        out.push_back(Instance{{"ElementName", "Intel(r) AMT Certificate"},
                               {"InstanceID", certificate_id(cert.handle)},
                               {"Issuer", facts.issuer},
                               {"ReadOnlyCertificate", "false"},
                               {"Subject", facts.subject},
                               {"TrustedRootCertficate", bool_text(cert.trusted_root)},
                               {"X509Certificate", cert.der_base64}});
    }
    return out;
}

// A certificate in the TLS credential context stays until the context is deleted or switched
// (the simulator's choice, README.md).
void remove_certificate(CallContext& context, const Instance& selected) {
    auto& store = context.state.wsman.certificates;
    auto handle = handle_of(selected.get("InstanceID"), k_certificate_prefix);
    if (handle && store.credential_context == handle) {
        throw WsmanFault(fault::invalid_parameter,
                         "the certificate is in use by the TLS credential context");
    }
    std::erase_if(store.certificates,
                  [&](const StoredCertificate& c) { return c.handle == handle; });
}

std::vector<Instance> key_pair_instances(CallContext& context) {
    std::vector<Instance> out;
    for (const auto& key : context.state.wsman.certificates.keys) {
        auto der = rsa_public_key_der(key.private_key_pem).value_or(Bytes{});
        out.push_back(Instance{{"DERKey", base64_encode(der)},
                               {"ElementName", "Intel(r) AMT Key"},
                               {"InstanceID", key_id(key.handle)}});
    }
    return out;
}

// A key pair whose certificate is stored stays until the certificate is deleted (the
// simulator's choice, README.md): deleting it would leave a certificate AMT cannot use.
void remove_key_pair(CallContext& context, const Instance& selected) {
    auto& store = context.state.wsman.certificates;
    auto handle = handle_of(selected.get("InstanceID"), k_key_prefix);
    for (const auto& cert : store.certificates) {
        auto facts = facts_of(cert);
        if (!cert.trusted_root && facts) {
            const auto* key = key_for(store, facts->rsa_public_key);
            if (key != nullptr && key->handle == handle) {
                throw WsmanFault(fault::invalid_parameter, "the key pair has a certificate (" +
                                                               certificate_id(cert.handle) + ")");
            }
        }
    }
    std::erase_if(store.keys, [&](const StoredKeyPair& k) { return k.handle == handle; });
}

// --- AMT_TLSCredentialContext -----------------------------------------------------------------

std::string collection_reference() {
    return reference_xml(amt_uri(k_collection_class),
                         {{"ElementName", std::string(k_collection_name)}});
}

std::vector<Instance> context_instances(CallContext& context) {
    const auto& store = context.state.wsman.certificates;
    if (!store.credential_context) {
        return {};
    }
    return {Instance{{"ElementInContext",
                      reference_xml(amt_uri(k_certificate_class),
                                    {{"InstanceID", certificate_id(*store.credential_context)}})},
                     {"ElementProvidingContext", collection_reference()}}};
}

enum class CollectionName { either, as_reported };

// The body's ElementInContext must name a stored certificate that is not a trusted root and
// whose key AMT holds; ElementProvidingContext the TLS endpoint collection: on Create by either
// name, on Put by the name AMT reports (RPS: AMT 22 refuses a Put that does not echo it).
std::uint32_t context_certificate(CallContext& context, CollectionName accepted) {
    auto body = context.request.body;
    auto uri = amt_uri("AMT_TLSCredentialContext");
    if (!body || local_name(body) != "AMT_TLSCredentialContext" || namespace_of(body) != uri) {
        throw WsmanFault(fault::invalid_representation,
                         "the body is not an AMT_TLSCredentialContext");
    }
    auto element = read_reference(child(body, uri, "ElementInContext"));
    auto provider = read_reference(child(body, uri, "ElementProvidingContext"));
    if (!element || !provider) {
        throw WsmanFault(
            fault::invalid_representation,
            "ElementInContext and ElementProvidingContext must be endpoint references");
    }
    auto name = provider->selectors["ElementName"];
    if (provider->resource_uri != amt_uri(k_collection_class) ||
        (name != k_collection_name &&
         (accepted == CollectionName::as_reported || name != k_collection_name_sent))) {
        throw WsmanFault(fault::invalid_parameter,
                         "ElementProvidingContext is not the TLS protocol endpoint collection");
    }
    auto handle = element->resource_uri == amt_uri(k_certificate_class)
                      ? handle_of(element->selectors["InstanceID"], k_certificate_prefix)
                      : std::nullopt;
    const auto& store = context.state.wsman.certificates;
    const auto* cert = handle ? certificate_by_handle(store, *handle) : nullptr;
    auto facts = cert ? facts_of(*cert) : std::nullopt;
    if (cert == nullptr || cert->trusted_root || !facts ||
        key_for(store, facts->rsa_public_key) == nullptr) {
        throw WsmanFault(fault::invalid_parameter,
                         "ElementInContext is not a certificate of AMT with its key pair");
    }
    return *handle;
}

std::string selector_reference(std::string_view name, const std::string& reference) {
    return fmt::format("<c:Selector Name=\"{}\"><b:EndpointReference>{}</b:EndpointReference>"
                       "</c:Selector>",
                       name, reference);
}

// The ResourceCreated EPR: a SelectorSet of two selectors holding nested references.
std::string create_context(CallContext& context) {
    auto& store = context.state.wsman.certificates;
    if (store.credential_context) {
        throw WsmanFault(fault::already_exists, "a TLS credential context exists");
    }
    auto handle = context_certificate(context, CollectionName::either);
    store.credential_context = handle;
    return fmt::format(
        "<b:Address>{}</b:Address><b:ReferenceParameters><c:ResourceURI>{}</c:ResourceURI>"
        "<c:SelectorSet>{}{}</c:SelectorSet></b:ReferenceParameters>",
        ns::anonymous, amt_uri("AMT_TLSCredentialContext"),
        selector_reference(
            "ElementInContext",
            reference_xml(amt_uri(k_certificate_class), {{"InstanceID", certificate_id(handle)}})),
        selector_reference("ElementProvidingContext", collection_reference()));
}

// The context has no key property: its two references are its selectors, each holding a nested
// endpoint reference (as ResourceCreated names it; RPS deletes it so). Missing or extra
// selectors: e:InvalidSelectors; selectors naming another certificate or collection:
// b:DestinationUnreachable, no such instance (DSP0226; unconfirmed for AMT, README.md).
void check_context_selectors(CallContext& context, bool required) {
    const auto& request = context.request;
    if (request.selectors.empty() && request.reference_selectors.empty() && !required) {
        return; // a Put names the one context by its body, as RPS and rpc-go send it
    }
    const auto& references = request.reference_selectors;
    auto element = references.find("ElementInContext");
    auto provider = references.find("ElementProvidingContext");
    if (!request.selectors.empty() || references.size() != 2 || element == references.end() ||
        provider == references.end()) {
        throw WsmanFault(fault::invalid_selectors,
                         "AMT_TLSCredentialContext is named by the selectors ElementInContext and "
                         "ElementProvidingContext, each an endpoint reference");
    }
    const auto& store = context.state.wsman.certificates;
    auto certificate = element->second.selectors.find("InstanceID");
    auto collection = provider->second.selectors.find("ElementName");
    bool same_certificate =
        element->second.resource_uri == amt_uri(k_certificate_class) &&
        certificate != element->second.selectors.end() && store.credential_context &&
        handle_of(certificate->second, k_certificate_prefix) == store.credential_context;
    bool same_collection = provider->second.resource_uri == amt_uri(k_collection_class) &&
                           collection != provider->second.selectors.end() &&
                           collection->second == k_collection_name;
    if (!same_certificate || !same_collection) {
        throw WsmanFault(fault::destination_unreachable,
                         "no TLS credential context has these ElementInContext and "
                         "ElementProvidingContext references");
    }
}

void put_context(CallContext& context, const Instance&) {
    check_context_selectors(context, false);
    context.state.wsman.certificates.credential_context =
        context_certificate(context, CollectionName::as_reported);
}

void remove_context(CallContext& context, const Instance&) {
    check_context_selectors(context, true);
    context.state.wsman.certificates.credential_context.reset();
}

constexpr std::string_view k_context_references[] = {"ElementInContext", "ElementProvidingContext"};

} // namespace

const ClassSpec k_public_key_management{
    "AMT_PublicKeyManagementService", ns::amt_schema, key_management_instances, nullptr, {},
    k_key_management_methods};
const ClassSpec k_public_key_certificate{"AMT_PublicKeyCertificate",
                                         ns::amt_schema,
                                         certificate_instances,
                                         nullptr,
                                         {},
                                         {},
                                         nullptr,
                                         {},
                                         nullptr,
                                         remove_certificate};
const ClassSpec k_public_private_key_pair{"AMT_PublicPrivateKeyPair",
                                          ns::amt_schema,
                                          key_pair_instances,
                                          nullptr,
                                          {},
                                          {},
                                          nullptr,
                                          {},
                                          nullptr,
                                          remove_key_pair};
const ClassSpec k_tls_credential_context{
    "AMT_TLSCredentialContext", ns::amt_schema, context_instances, nullptr,    {}, {}, nullptr,
    k_context_references,       create_context, remove_context,    put_context};

} // namespace amtcfg::sim
