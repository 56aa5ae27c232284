// The namespace-aware reader and the response envelope parser on real-shaped and odd input.
#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/envelope.hpp"
#include "amtcfg/wsman/schema.hpp"
#include "amtcfg/wsman/xml.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;

namespace {

const std::string k_general = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings";

} // namespace

TEST_CASE("an AMT-shaped Get response parses by namespace, not prefix", "[unit]") {
    auto xml = test::amt_response(
        "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", k_general,
        "<g:AMT_GeneralSettings><g:DigestRealm>Digest:0123456789ABCDEF0123456789ABCDEF"
        "</g:DigestRealm><g:HostName>pc</g:HostName></g:AMT_GeneralSettings>");
    Envelope env = parse_envelope(xml);
    CHECK(env.action == "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse");
    CHECK(env.relates_to == "1");
    CHECK(env.message_id == "uuid:00000000-8086-8086-8086-000000000001");
    CHECK(env.resource_uri == k_general);
    const Element* instance = env.body.find(k_general, "AMT_GeneralSettings");
    REQUIRE(instance != nullptr);
    CHECK(instance->property("DigestRealm") == "Digest:0123456789ABCDEF0123456789ABCDEF");
    CHECK(instance->property("Missing", "none") == "none");
}

TEST_CASE("other tools' prefixes, default namespaces and whitespace parse the same", "[unit]") {
    std::string xml = R"(<?xml version="1.0"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
            xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">
  <s:Header>
    <wsa:MessageID>  uuid:1  </wsa:MessageID>
    <wsa:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse</wsa:Action>
  </s:Header>
  <s:Body>
    <AMT_GeneralSettings xmlns="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings">
      <HostName>pc</HostName>
      <x:DomainName xmlns:x="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings"><![CDATA[a&b.com]]></x:DomainName>
    </AMT_GeneralSettings>
  </s:Body>
</s:Envelope>)";
    Envelope env = parse_envelope(xml);
    CHECK(env.action == "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse");
    const Element* instance = env.body.find(k_general, "AMT_GeneralSettings");
    REQUIRE(instance != nullptr);
    CHECK(instance->property("HostName") == "pc");
    CHECK(instance->property("DomainName") == "a&b.com");
    CHECK(instance->children.size() == 2); // whitespace between elements is not content
}

TEST_CASE("the parser rejects what is not a SOAP envelope", "[unit]") {
    CHECK_THROWS_AS(parse_envelope(""), DecodeError);
    CHECK_THROWS_AS(parse_envelope("<html><body>401</body></html>"), DecodeError);
    CHECK_THROWS_AS(parse_envelope("<a:Envelope xmlns:a=\"urn:other\"><a:Body/></a:Envelope>"),
                    DecodeError);
    CHECK_THROWS_AS(
        parse_envelope(
            "<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\"></a:Envelope>"),
        DecodeError);
    CHECK_THROWS_WITH(parse_envelope("<a:Envelope><a:Body/></a:Envelope>"),
                      Catch::Contains("undeclared namespace prefix"));
    CHECK_THROWS_AS(parse_envelope("<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/"
                                   "soap-envelope\"><a:Body><x></a:Body></a:Envelope>"),
                    DecodeError);
}

TEST_CASE("deep nesting is refused instead of exhausting the stack", "[unit]") {
    std::string xml = "<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\"><a:Body>";
    for (int i = 0; i < 10000; ++i) {
        xml += "<x>";
    }
    CHECK_THROWS_WITH(parse_envelope(xml + "</a:Body></a:Envelope>"),
                      Catch::Contains("well-formed") || Catch::Contains("too deeply"));
    std::string closed = xml;
    for (int i = 0; i < 10000; ++i) {
        closed += "</x>";
    }
    CHECK_THROWS_WITH(parse_envelope(closed + "</a:Body></a:Envelope>"),
                      Catch::Contains("too deeply"));
}

TEST_CASE("properties can be changed, added and removed in order", "[unit]") {
    Element e{k_general, "AMT_GeneralSettings", {}, {}, {}};
    e.add(k_general, "A", "1");
    e.add(k_general, "B", "2");
    e.add(k_general, "B", "3");
    e.set_property("A", "x");
    e.set_property("C", "y");
    CHECK(e.find_all(k_general, "B").size() == 2);
    CHECK(e.remove_property("B") == 2);
    REQUIRE(e.children.size() == 2);
    CHECK(e.children[0].text == "x");
    CHECK(e.children[1].name == "C");
    CHECK_FALSE(e.has_property("B"));
}

TEST_CASE("a written tree reads back as the same tree", "[unit]") {
    Element e{k_general, "AMT_GeneralSettings", {}, {}, {}};
    e.add(k_general, "HostName", "a<b&c");
    Element& nil = e.add(k_general, "DomainName");
    nil.attributes.push_back({std::string(ns::xsi), "nil", "true"});
    e.add("urn:other", "Extra", "1");
    std::string xml = write_xml(e, {}, {});
    Element back = parse_xml(xml);
    CHECK(back.ns == k_general);
    CHECK(back.property("HostName") == "a<b&c");
    REQUIRE(back.find(k_general, "DomainName") != nullptr);
    CHECK(back.find(k_general, "DomainName")->attributes.at(0).ns == ns::xsi);
    REQUIRE(back.find("urn:other", "Extra") != nullptr);
}
