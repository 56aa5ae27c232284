// Calls of the certificate-store tests: a provisioned device served by WsmanService, and the
// AMT_PublicKeyManagementService methods and readers they use (wsman.md sections 6 and 8).
#pragma once

#include "pki.hpp"
#include "support.hpp"

#include "faults.hpp"
#include "wsman/service.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace amtcfg::sim::certificate_tests {

using test::DigestClient;
using test::element_text;
using test::element_texts;

inline const std::string k_password = "P@ssw0rd!";
inline constexpr const char* k_pkms = "AMT_PublicKeyManagementService";

struct Device {
    test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service;
    DigestClient admin{service, "admin", k_password};

    explicit Device(std::string_view faults = {}, std::string amt_version = "16.1.25")
        : service(model, wsman_faults(FaultList::parse(faults), 0), world.environment()) {
        model.modify([&](DeviceState& s) {
            s.amt_version = amt_version;
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = k_password;
        });
    }
    DeviceState state() const { return model.snapshot(); }
};

inline std::string rv(const test::ParsedResponse& response) {
    return element_text(response.body, "ReturnValue");
}

inline std::string subcode(const test::ParsedResponse& response) {
    auto values = element_texts(response.body, "Value");
    return response.status == 400 && values.size() > 1 ? values[1] : std::string();
}

inline test::ParsedResponse generate(DigestClient& admin, int algorithm = 0, int length = 2048) {
    return admin.invoke(k_pkms, "GenerateKeyPair",
                        fmt::format("<h:KeyAlgorithm>{}</h:KeyAlgorithm><h:KeyLength>{}"
                                    "</h:KeyLength>",
                                    algorithm, length));
}

inline std::string reference(std::string_view class_name, std::string_view selector,
                             std::string_view value) {
    return fmt::format("<a:Address>{}</a:Address><a:ReferenceParameters><w:ResourceURI>{}"
                       "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"{}\">{}</w:Selector>"
                       "</w:SelectorSet></a:ReferenceParameters>",
                       ns::anonymous, test::class_uri(class_name), selector, value);
}

inline test::ParsedResponse sign_request(DigestClient& admin, const std::string& key_id,
                                         const std::string& request, int algorithm = 1) {
    return admin.invoke(
        k_pkms, "GeneratePKCS10RequestEx",
        fmt::format("<h:KeyPair>{}</h:KeyPair><h:SigningAlgorithm>{}</h:SigningAlgorithm>"
                    "<h:NullSignedCertificateRequest>{}</h:NullSignedCertificateRequest>",
                    reference("AMT_PublicPrivateKeyPair", "InstanceID", key_id), algorithm,
                    request));
}

inline test::ParsedResponse add(DigestClient& admin, const std::string& certificate,
                                bool root = false) {
    return admin.invoke(k_pkms, root ? "AddTrustedRootCertificate" : "AddCertificate",
                        "<h:CertificateBlob>" + certificate + "</h:CertificateBlob>");
}

inline std::string
context_body(const std::string& certificate_id,
             std::string_view collection = "TLSProtocolEndpoint Instances Collection") {
    return fmt::format("<h:AMT_TLSCredentialContext xmlns:h=\"{}\"><h:ElementInContext>{}"
                       "</h:ElementInContext><h:ElementProvidingContext>{}"
                       "</h:ElementProvidingContext></h:AMT_TLSCredentialContext>",
                       test::class_uri("AMT_TLSCredentialContext"),
                       reference("AMT_PublicKeyCertificate", "InstanceID", certificate_id),
                       reference("AMT_TLSProtocolEndpointCollection", "ElementName", collection));
}

inline test::ParsedResponse
create_context(DigestClient& admin, const std::string& certificate_id,
               std::string_view collection = "TLSProtocolEndpoint Instances Collection") {
    return admin.post(test::envelope(action::create, test::class_uri("AMT_TLSCredentialContext"),
                                     context_body(certificate_id, collection)));
}

// The header selectors naming a TLS credential context: its two references, nested.
inline std::map<std::string, std::string>
context_selectors(const std::string& certificate_id,
                  std::string_view collection = "TLSProtocolEndpoint Instances Collection") {
    auto nested = [](const std::string& reference) {
        return "<a:EndpointReference>" + reference + "</a:EndpointReference>";
    };
    return {{"ElementInContext",
             nested(reference("AMT_PublicKeyCertificate", "InstanceID", certificate_id))},
            {"ElementProvidingContext",
             nested(reference("AMT_TLSProtocolEndpointCollection", "ElementName", collection))}};
}

inline test::ParsedResponse remove_context(DigestClient& admin,
                                           const std::map<std::string, std::string>& selectors) {
    return admin.post(
        test::envelope(action::remove, test::class_uri("AMT_TLSCredentialContext"), "", selectors));
}

inline test::ParsedResponse put_context(DigestClient& admin, const std::string& body,
                                        const std::map<std::string, std::string>& selectors = {}) {
    return admin.post(
        test::envelope(action::put, test::class_uri("AMT_TLSCredentialContext"), body, selectors));
}

inline test::ParsedResponse remove(DigestClient& admin, std::string_view class_name,
                                   const std::string& instance_id) {
    return admin.post(test::envelope(action::remove, test::class_uri(class_name), "",
                                     {{"InstanceID", instance_id}}));
}

// The DERKey AMT exports for a key pair.
inline std::string der_key(DigestClient& admin, const std::string& key_id) {
    auto xml = test::enumerate_all(admin, "AMT_PublicPrivateKeyPair");
    auto ids = element_texts(xml, "InstanceID");
    auto keys = element_texts(xml, "DERKey");
    for (std::size_t i = 0; i < ids.size() && i < keys.size(); ++i) {
        if (ids[i] == key_id) {
            return keys[i];
        }
    }
    return {};
}

inline std::vector<unsigned char> decode(const std::string& text) {
    std::vector<unsigned char> out(text.size());
    int size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
    REQUIRE(size >= 0);
    out.resize(static_cast<std::size_t>(size) - (text.ends_with("==")  ? 2
                                                 : text.ends_with("=") ? 1
                                                                       : 0));
    return out;
}

struct KeyAndCertificate {
    std::string key_id;
    std::string certificate_id;
    std::string certificate;
};

// A key generated in AMT and its certificate from `ca`, added to AMT.
inline KeyAndCertificate key_with_certificate(DigestClient& admin, const test::TestCa& ca,
                                              const std::string& cn = "amt.sim.example") {
    KeyAndCertificate out;
    out.key_id = element_text(generate(admin).body, "Selector");
    out.certificate = ca.issue_for_key(der_key(admin, out.key_id), cn);
    auto added = add(admin, out.certificate);
    REQUIRE(rv(added) == "0");
    out.certificate_id = element_text(added.body, "Selector");
    return out;
}

} // namespace amtcfg::sim::certificate_tests
