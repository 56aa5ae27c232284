// Golden envelopes and parsing for the certificate store and TLS settings (reference 6 and 8).
#include "amtcfg/wsman/tls.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_enum = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
const std::string k_transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
const std::string k_pkms =
    "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyManagementService";
const std::string k_cert = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyCertificate";
const std::string k_tls = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSSettingData";
const std::string k_ctx = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSCredentialContext";

// The golden body of a Create or Put of AMT_TLSCredentialContext binding certificate handle 2
// to the TLS endpoint collection named `collection`.
std::string context_body(const std::string& collection) {
    std::string body = R"(<Body>
            <h:AMT_TLSCredentialContext xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSCredentialContext">
              <h:ElementInContext>
                <a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>
                <a:ReferenceParameters>
                  <w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyCertificate</w:ResourceURI>
                  <w:SelectorSet>
                    <w:Selector Name="InstanceID">Intel(r) AMT Certificate: Handle: 2</w:Selector>
                  </w:SelectorSet>
                </a:ReferenceParameters>
              </h:ElementInContext>
              <h:ElementProvidingContext>
                <a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>
                <a:ReferenceParameters>
                  <w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSProtocolEndpointCollection</w:ResourceURI>
                  <w:SelectorSet>
                    <w:Selector Name="ElementName">@COLLECTION@</w:Selector>
                  </w:SelectorSet>
                </a:ReferenceParameters>
              </h:ElementProvidingContext>
            </h:AMT_TLSCredentialContext>
          </Body>)";
    return body.replace(body.find("@COLLECTION@"), 12, collection);
}

struct Fixture {
    test::FakeHttp http;
    Log log;
    Client client{http, log};

    void output(const std::string& uri, std::string_view method, std::string_view inner) {
        std::string m(method);
        http.reply(200, amt_response(uri + "/" + m + "Response", uri,
                                     "<g:" + m + "_OUTPUT>" + std::string(inner) + "</g:" + m +
                                         "_OUTPUT>"));
    }
    void pull(const std::string& uri, std::string_view items) {
        http.reply(200, amt_response(k_enum + "/EnumerateResponse", uri,
                                     "<g:EnumerateResponse><g:EnumerationContext>C"
                                     "</g:EnumerationContext></g:EnumerateResponse>",
                                     k_enum));
        http.reply(200, amt_response(k_enum + "/PullResponse", uri,
                                     "<g:PullResponse xmlns:h=\"" + uri + "\"><g:Items>" +
                                         std::string(items) +
                                         "</g:Items><g:EndOfSequence/></g:PullResponse>",
                                     k_enum));
    }
};

// An EPR in an AMT answer, with AMT's response prefixes (b = addressing, c = wsman).
std::string epr(std::string_view element, std::string_view resource, std::string_view id) {
    return "<g:" + std::string(element) +
           "><b:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
           "</b:Address><b:ReferenceParameters><c:ResourceURI>" +
           std::string(resource) +
           "</c:ResourceURI><c:SelectorSet><c:Selector Name=\"InstanceID\">" + std::string(id) +
           "</c:Selector></c:SelectorSet></b:ReferenceParameters></g:" + std::string(element) + ">";
}

} // namespace

TEST_CASE("GenerateKeyPair returns the key handle from the KeyPair EPR", "[unit]") {
    Fixture f;
    f.output(k_pkms, "GenerateKeyPair",
             epr("KeyPair", "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicPrivateKeyPair",
                 "Intel(r) AMT Key: Handle: 0") +
                 "<g:ReturnValue>0</g:ReturnValue>");
    CreatedInstance key = generate_key_pair(f.client, 2048);
    CHECK(key.result.ok());
    CHECK(key.instance_id == "Intel(r) AMT Key: Handle: 0");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_pkms + "/GenerateKeyPair", k_pkms, "1", "", R"(<Body>
            <h:GenerateKeyPair_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyManagementService">
              <h:KeyAlgorithm>0</h:KeyAlgorithm>
              <h:KeyLength>2048</h:KeyLength>
            </h:GenerateKeyPair_INPUT>
          </Body>)"));
}

TEST_CASE("AddCertificate and AddTrustedRootCertificate return the certificate handle", "[unit]") {
    Fixture f;
    f.output(k_pkms, "AddTrustedRootCertificate",
             epr("CreatedCertificate", k_cert, "Intel(r) AMT Certificate: Handle: 1") +
                 "<g:ReturnValue>0</g:ReturnValue>");
    f.output(k_pkms, "AddCertificate", "<g:ReturnValue>2064</g:ReturnValue>");
    CreatedInstance root = add_trusted_root_certificate(f.client, "Uk9PVA==");
    CHECK(root.instance_id == "Intel(r) AMT Certificate: Handle: 1");
    CHECK(f.http.posted[0].find("<h:AddTrustedRootCertificate_INPUT xmlns:h=\"" + k_pkms +
                                "\"><h:CertificateBlob>Uk9PVA==</h:CertificateBlob>"
                                "</h:AddTrustedRootCertificate_INPUT>") != std::string::npos);
    CreatedInstance leaf = add_certificate(f.client, "TEVBRg==");
    CHECK(leaf.result.describe() == "2064 (CERT_KEY_NOT_MATCH)");
    CHECK(leaf.instance_id.empty());
}

TEST_CASE("GeneratePKCS10RequestEx passes the key pair as an EPR", "[unit]") {
    Fixture f;
    f.output(k_pkms, "GeneratePKCS10RequestEx",
             "<g:SignedCertificateRequest>U0lHTkVE</g:SignedCertificateRequest>"
             "<g:ReturnValue>0</g:ReturnValue>");
    SignedRequest csr = generate_pkcs10_request_ex(f.client, "Intel(r) AMT Key: Handle: 0",
                                                   "TlVMTA==", CsrSigning::sha256_rsa);
    CHECK(csr.signed_certificate_request == "U0lHTkVE");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_pkms + "/GeneratePKCS10RequestEx", k_pkms, "1", "", R"(<Body>
            <h:GeneratePKCS10RequestEx_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyManagementService">
              <h:KeyPair>
                <a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>
                <a:ReferenceParameters>
                  <w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicPrivateKeyPair</w:ResourceURI>
                  <w:SelectorSet>
                    <w:Selector Name="InstanceID">Intel(r) AMT Key: Handle: 0</w:Selector>
                  </w:SelectorSet>
                </a:ReferenceParameters>
              </h:KeyPair>
              <h:SigningAlgorithm>1</h:SigningAlgorithm>
              <h:NullSignedCertificateRequest>TlVMTA==</h:NullSignedCertificateRequest>
            </h:GeneratePKCS10RequestEx_INPUT>
          </Body>)"));
}

TEST_CASE("AddKey sends the private key and keeps it out of traces", "[unit]") {
    Fixture f;
    test::RecordingSink sink;
    f.log.add_sink(sink, LogLevel::trace);
    f.output(k_pkms, "AddKey", "<g:ReturnValue>2058</g:ReturnValue>");
    CHECK(add_key(f.client, Secret("UFJJVkFURQ==")).result.describe() == "2058 (DUPLICATE)");
    CHECK(f.http.posted[0].find("<h:KeyBlob>UFJJVkFURQ==</h:KeyBlob>") != std::string::npos);
    for (const auto& line : sink.lines) {
        CHECK(line.find("UFJJVkFURQ==") == std::string::npos);
    }
}

TEST_CASE("certificates and key pairs enumerate and delete by InstanceID", "[unit]") {
    Fixture f;
    f.pull(k_cert, "<h:AMT_PublicKeyCertificate><h:ElementName>Intel(r) AMT Certificate"
                   "</h:ElementName><h:InstanceID>Intel(r) AMT Certificate: Handle: 1"
                   "</h:InstanceID><h:Issuer>CN=root</h:Issuer><h:Subject>CN=root</h:Subject>"
                   "<h:TrustedRootCertficate>true</h:TrustedRootCertficate>"
                   "<h:X509Certificate>MIIB</h:X509Certificate></h:AMT_PublicKeyCertificate>");
    auto certs = enumerate_public_key_certificates(f.client);
    REQUIRE(certs.size() == 1);
    CHECK(certs[0].trusted_root);
    CHECK(certs[0].x509_certificate == "MIIB");
    f.http.reply(200, amt_response(k_transfer + "/DeleteResponse", k_cert, ""));
    delete_public_key_certificate(f.client, certs[0].instance_id);
    CHECK(f.http.posted[2] == expected_envelope(k_transfer + "/Delete", k_cert, "3", R"(
            <w:SelectorSet>
              <w:Selector Name="InstanceID">Intel(r) AMT Certificate: Handle: 1</w:Selector>
            </w:SelectorSet>)",
                                                "<Body/>"));
}

TEST_CASE("TLS setting data Put sets the flags and TrustedCN with the selector", "[unit]") {
    Fixture f;
    f.pull(k_tls, "<h:AMT_TLSSettingData><h:AcceptNonSecureConnections>false"
                  "</h:AcceptNonSecureConnections><h:ElementName>Intel(r) AMT 802.3 TLS Settings"
                  "</h:ElementName><h:Enabled>false</h:Enabled><h:InstanceID>Intel(r) AMT 802.3 "
                  "TLS Settings</h:InstanceID><h:MutualAuthentication>false"
                  "</h:MutualAuthentication><h:NonSecureConnectionsSupported>false"
                  "</h:NonSecureConnectionsSupported></h:AMT_TLSSettingData>");
    auto settings = enumerate_tls_setting_data(f.client);
    REQUIRE(settings.size() == 1);
    REQUIRE(settings[0].non_secure_connections_supported.has_value());
    CHECK_FALSE(*settings[0].non_secure_connections_supported);
    TlsSettingData remote = settings[0];
    remote.enabled = true;
    remote.mutual_authentication = true;
    remote.trusted_cn = {"mps.example.com"};
    f.http.reply(200, amt_response(k_transfer + "/PutResponse", k_tls, "<g:AMT_TLSSettingData/>"));
    put_tls_setting_data(f.client, remote);
    CHECK(f.http.posted[2] == expected_envelope(k_transfer + "/Put", k_tls, "3", R"(
            <w:SelectorSet>
              <w:Selector Name="InstanceID">Intel(r) AMT 802.3 TLS Settings</w:Selector>
            </w:SelectorSet>)",
                                                R"(<Body>
            <h:AMT_TLSSettingData xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSSettingData">
              <h:AcceptNonSecureConnections>false</h:AcceptNonSecureConnections>
              <h:ElementName>Intel(r) AMT 802.3 TLS Settings</h:ElementName>
              <h:Enabled>true</h:Enabled>
              <h:InstanceID>Intel(r) AMT 802.3 TLS Settings</h:InstanceID>
              <h:MutualAuthentication>true</h:MutualAuthentication>
              <h:NonSecureConnectionsSupported>false</h:NonSecureConnectionsSupported>
              <h:TrustedCN>mps.example.com</h:TrustedCN>
            </h:AMT_TLSSettingData>
          </Body>)"));
}

TEST_CASE("TLS credential context Create binds the certificate; AlreadyExists is done", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_transfer + "/CreateResponse", k_ctx, "<g:ResourceCreated/>",
                                   k_transfer));
    f.http.reply(400, R"(<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" )"
                      R"(xmlns:e="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><a:Body>)"
                      R"(<a:Fault><a:Code><a:Value>a:Sender</a:Value><a:Subcode><a:Value>)"
                      R"(e:AlreadyExists</a:Value></a:Subcode></a:Code><a:Reason><a:Text>exists)"
                      R"(</a:Text></a:Reason></a:Fault></a:Body></a:Envelope>)");
    f.http.reply(400, R"(<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" )"
                      R"(xmlns:e="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><a:Body>)"
                      R"(<a:Fault><a:Code><a:Value>a:Sender</a:Value><a:Subcode><a:Value>)"
                      R"(e:InvalidParameter</a:Value></a:Subcode></a:Code></a:Fault></a:Body>)"
                      R"(</a:Envelope>)");
    CHECK(create_tls_credential_context(f.client, "Intel(r) AMT Certificate: Handle: 2") ==
          CreateOutcome::created);
    CHECK(f.http.posted[0] ==
          expected_envelope(k_transfer + "/Create", k_ctx, "1", "",
                            context_body("TLSProtocolEndpointInstances Collection")));
    CHECK(create_tls_credential_context(f.client, "x") == CreateOutcome::already_existed);
    try {
        create_tls_credential_context(f.client, "x");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::config_step_failed);
        CHECK_THAT(e.what(), Catch::Contains("AMT_TLSCredentialContext Create"));
    }
}

TEST_CASE("TLS credential context: read with its references, deleted by them as nested "
          "selectors, Put echoing the collection AMT listed",
          "[unit]") {
    Fixture f;
    const std::string collection =
        "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSProtocolEndpointCollection";
    // In a Pull, h: is the class namespace (g: is enumeration's).
    std::string element = epr("ElementInContext", k_cert, "Intel(r) AMT Certificate: Handle: 1");
    element.replace(element.find("<g:"), 3, "<h:");
    element.replace(element.find("</g:"), 4, "</h:");
    f.pull(k_ctx, "<h:AMT_TLSCredentialContext>" + element +
                      "<h:ElementProvidingContext><b:Address>http://schemas.xmlsoap.org/ws/2004/"
                      "08/addressing/role/anonymous</b:Address><b:ReferenceParameters>"
                      "<c:ResourceURI>" +
                      collection +
                      "</c:ResourceURI><c:SelectorSet><c:Selector Name=\"ElementName\">"
                      "TLSProtocolEndpoint Instances Collection</c:Selector></c:SelectorSet>"
                      "</b:ReferenceParameters></h:ElementProvidingContext>"
                      "</h:AMT_TLSCredentialContext>");
    auto contexts = enumerate_tls_credential_contexts(f.client);
    REQUIRE(contexts.size() == 1);
    CHECK(contexts[0].certificate_instance_id == "Intel(r) AMT Certificate: Handle: 1");
    CHECK(contexts[0].element_providing_context.selector("ElementName") ==
          "TLSProtocolEndpoint Instances Collection");

    f.http.reply(200, amt_response(k_transfer + "/DeleteResponse", k_ctx, "", k_transfer));
    delete_tls_credential_context(f.client, contexts[0]);
    const std::string reference_head =
        "<a:EndpointReference><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/"
        "anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>";
    CHECK(f.http.posted[2] ==
          expected_envelope(k_transfer + "/Delete", k_ctx, "3",
                            "<w:SelectorSet><w:Selector Name=\"ElementInContext\">" +
                                reference_head + k_cert +
                                "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"InstanceID\">"
                                "Intel(r) AMT Certificate: Handle: 1</w:Selector></w:SelectorSet>"
                                "</a:ReferenceParameters></a:EndpointReference></w:Selector>"
                                "<w:Selector Name=\"ElementProvidingContext\">" +
                                reference_head + collection +
                                "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"ElementName\">"
                                "TLSProtocolEndpoint Instances Collection</w:Selector>"
                                "</w:SelectorSet></a:ReferenceParameters></a:EndpointReference>"
                                "</w:Selector></w:SelectorSet>",
                            "<Body/>"));

    f.http.reply(200,
                 amt_response(k_transfer + "/PutResponse", k_ctx, "<g:AMT_TLSCredentialContext/>"));
    put_tls_credential_context(f.client, contexts[0], "Intel(r) AMT Certificate: Handle: 2");
    CHECK(f.http.posted[3] ==
          expected_envelope(k_transfer + "/Put", k_ctx, "4", "",
                            context_body("TLSProtocolEndpoint Instances Collection")));
}
