// Golden request envelopes for the generic operations, written from reference/wsman.md 3-4.
#include "amtcfg/wsman/envelope.hpp"
#include "amtcfg/wsman/schema.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using amtcfg::wsman::test::expected_envelope;
using amtcfg::wsman::test::minify;

namespace {

const std::string k_general = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings";

} // namespace

TEST_CASE("class URIs follow the schema of their prefix", "[unit]") {
    CHECK(class_uri("AMT_GeneralSettings") == k_general);
    CHECK(class_uri("IPS_OptInService") ==
          "http://intel.com/wbem/wscim/1/ips-schema/1/IPS_OptInService");
    CHECK(class_uri("CIM_KVMRedirectionSAP") ==
          "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_KVMRedirectionSAP");
    CHECK(class_name_of(k_general) == "AMT_GeneralSettings");
}

TEST_CASE("a Get has an empty body and the header of section 3", "[unit]") {
    auto xml = build_envelope(make_get(k_general), "1");
    CHECK(xml == expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", k_general,
                                   "1", "", "<Body/>"));
}

TEST_CASE("a Get with a selector puts the SelectorSet in the header", "[unit]") {
    std::string uri = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity";
    auto xml = build_envelope(make_get(uri, {{"InstanceID", "AMT"}}), "7");
    CHECK(xml == expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", uri, "7",
                                   R"(<w:SelectorSet>
                               <w:Selector Name="InstanceID">AMT</w:Selector>
                             </w:SelectorSet>)",
                                   "<Body/>"));
}

TEST_CASE("Enumerate and Pull bodies are in the enumeration namespace", "[unit]") {
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings";
    CHECK(build_envelope(make_enumerate(uri), "2") ==
          expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", uri, "2",
                            "",
                            R"(<Body>
                        <Enumerate xmlns="http://schemas.xmlsoap.org/ws/2004/09/enumeration"/>
                      </Body>)"));
    CHECK(build_envelope(make_pull(uri, "01000000-0000-0000-0000-000000000000"), "3") ==
          expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull", uri, "3", "",
                            R"(<Body>
                        <Pull xmlns="http://schemas.xmlsoap.org/ws/2004/09/enumeration">
                          <EnumerationContext>01000000-0000-0000-0000-000000000000</EnumerationContext>
                          <MaxElements>999</MaxElements>
                          <MaxCharacters>99999</MaxCharacters>
                        </Pull>
                      </Body>)"));
}

TEST_CASE("a Put carries the instance with the class namespace as h:", "[unit]") {
    Element instance{k_general, "AMT_GeneralSettings", {}, {}, {}};
    instance.add(k_general, "HostName", "pc-42");
    instance.add(k_general, "DomainName", "example.com & co");
    auto xml = build_envelope(make_put(k_general, instance), "4");
    CHECK(xml == expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Put", k_general,
                                   "4", "",
                                   R"(<Body>
                               <h:AMT_GeneralSettings xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings">
                                 <h:HostName>pc-42</h:HostName>
                                 <h:DomainName>example.com &amp; co</h:DomainName>
                               </h:AMT_GeneralSettings>
                             </Body>)"));
}

TEST_CASE("a Delete names the instance by selector and has an empty body", "[unit]") {
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyCertificate";
    auto xml = build_envelope(
        make_delete(uri, {{"InstanceID", "Intel(r) AMT Certificate: Handle: 1"}}), "5");
    CHECK(xml == expected_envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete", uri,
                                   "5",
                                   R"(<w:SelectorSet>
                               <w:Selector Name="InstanceID">Intel(r) AMT Certificate: Handle: 1</w:Selector>
                             </w:SelectorSet>)",
                                   "<Body/>"));
}

TEST_CASE("a method call sends {Method}_INPUT to the action {class}/{Method}", "[unit]") {
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService";
    auto xml =
        build_envelope(make_invoke(uri, "RequestStateChange", {{"RequestedState", "32771"}}), "6");
    CHECK(xml == expected_envelope(uri + "/RequestStateChange", uri, "6", "",
                                   R"(<Body>
                               <h:RequestStateChange_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService">
                                 <h:RequestedState>32771</h:RequestedState>
                               </h:RequestStateChange_INPUT>
                             </Body>)"));
}

TEST_CASE("an endpoint reference argument uses a: and w: (section 4)", "[unit]") {
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyManagementService";
    std::string key = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicPrivateKeyPair";
    Request request = make_invoke(uri, "GeneratePKCS10RequestEx", {});
    request.body->children.push_back(make_endpoint_reference(
        uri, "KeyPair", key, {{"InstanceID", "Intel(r) AMT Key: Handle: 0"}}));
    request.body->add(uri, "SigningAlgorithm", "1");
    auto xml = build_envelope(request, "8");
    CHECK(xml == expected_envelope(uri + "/GeneratePKCS10RequestEx", uri, "8", "",
                                   R"(<Body>
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
                               </h:GeneratePKCS10RequestEx_INPUT>
                             </Body>)"));
}

TEST_CASE("selector values and text are escaped", "[unit]") {
    auto xml = build_envelope(make_get(k_general, {{"Name", "a<b>\"c\""}}), "9");
    CHECK(xml.find(R"(<w:Selector Name="Name">a&lt;b&gt;"c"</w:Selector>)") != std::string::npos);
}
