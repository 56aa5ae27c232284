// Golden envelopes and parsing for the power packages: AMT_SystemPowerScheme, the current one from
// CIM_ElementSettingData, SetPowerScheme; and the endpoint-reference reader they rely on.
#include "amtcfg/wsman/power.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_enum = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
const std::string k_scheme = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SystemPowerScheme";
const std::string k_esd =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ElementSettingData";
const std::string k_tls = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TLSSettingData";
const std::string k_system = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem";

struct Fixture {
    test::FakeHttp http;
    Log log;
    Client client{http, log};

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

// The inside of an endpoint reference with AMT's response prefixes (b = addressing, c = wsman).
std::string reference(std::string_view resource, std::string_view selectors) {
    return "<b:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
           "</b:Address><b:ReferenceParameters><c:ResourceURI>" +
           std::string(resource) + "</c:ResourceURI><c:SelectorSet>" + std::string(selectors) +
           "</c:SelectorSet></b:ReferenceParameters>";
}

std::string instance_selector(std::string_view id) {
    return "<c:Selector Name=\"InstanceID\">" + std::string(id) + "</c:Selector>";
}

std::string row(std::string_view is_current, std::string_view setting_data) {
    return "<h:CIM_ElementSettingData><h:IsCurrent>" + std::string(is_current) +
           "</h:IsCurrent><h:ManagedElement>" +
           reference(k_system, "<c:Selector Name=\"Name\">ManagedSystem</c:Selector>") +
           "</h:ManagedElement><h:SettingData>" + std::string(setting_data) +
           "</h:SettingData></h:CIM_ElementSettingData>";
}

std::string scheme_row(std::string_view is_current, std::string_view id) {
    return row(is_current,
               reference(k_scheme, "<c:Selector Name=\"CreationClassName\">AMT_SystemPowerScheme"
                                   "</c:Selector>" +
                                       instance_selector(id)));
}

const std::string k_enumerate_body =
    R"(<Body><Enumerate xmlns="http://schemas.xmlsoap.org/ws/2004/09/enumeration"/></Body>)";

} // namespace

TEST_CASE("the power schemes are enumerated with their GUID and descriptive strings", "[unit]") {
    Fixture f;
    f.pull(k_scheme, "<h:AMT_SystemPowerScheme><h:Description>Desktop: ON in S0</h:Description>"
                     "<h:ElementName>Desktop: ON in S0</h:ElementName>"
                     "<h:InstanceID>Scheme 1</h:InstanceID>"
                     "<h:SchemeGUID>AAAAAAAAAAAAAAAAAAAAAQ==</h:SchemeGUID>"
                     "</h:AMT_SystemPowerScheme>");
    auto schemes = enumerate_power_schemes(f.client);
    REQUIRE(schemes.size() == 1);
    CHECK(schemes[0].instance_id == "Scheme 1");
    CHECK(schemes[0].scheme_guid == "AAAAAAAAAAAAAAAAAAAAAQ==");
    CHECK(schemes[0].element_name == "Desktop: ON in S0");
    CHECK(schemes[0].description == "Desktop: ON in S0");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_enum + "/Enumerate", k_scheme, "1", "", k_enumerate_body));
}

TEST_CASE("the current power scheme is the IsCurrent row that references a power scheme",
          "[unit]") {
    Fixture f;
    // A current row of other setting data comes first and must not be taken for the scheme.
    f.pull(k_esd, row("1", reference(k_tls, instance_selector("Intel(r) AMT 802.3 TLS Settings"))) +
                      scheme_row("2", "Scheme 1") + scheme_row("1", "Scheme 2"));
    CHECK(current_power_scheme(f.client) == "Scheme 2");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_enum + "/Enumerate", k_esd, "1", "", k_enumerate_body));
}

TEST_CASE("no current power scheme is nullopt, not a guess", "[unit]") {
    Fixture f;
    f.pull(k_esd, scheme_row("2", "Scheme 1") + scheme_row("0", "Scheme 2"));
    CHECK_FALSE(current_power_scheme(f.client).has_value());
}

TEST_CASE("a garbled current power-scheme row is an error that says what is wrong", "[unit]") {
    auto [items, message] = GENERATE(
        std::pair<std::string, std::string>{
            "<h:CIM_ElementSettingData><h:IsCurrent>1</h:IsCurrent></h:CIM_ElementSettingData>",
            "has no SettingData"},
        std::pair<std::string, std::string>{row("1", "<b:Address>x</b:Address>"),
                                            "no ReferenceParameters"},
        std::pair<std::string, std::string>{
            row("1", "<b:ReferenceParameters><c:SelectorSet/></b:ReferenceParameters>"),
            "without a ResourceURI"},
        std::pair<std::string, std::string>{
            row("1", reference(k_scheme, "<c:Selector>Scheme 1</c:Selector>")),
            "selector without a Name"},
        std::pair<std::string, std::string>{row("1", reference(k_scheme, "")),
                                            "names no InstanceID"},
        std::pair<std::string, std::string>{scheme_row("1", "A") + scheme_row("1", "B"),
                                            "marks two schemes current ('A' and 'B')"},
        std::pair<std::string, std::string>{scheme_row("yes", "A"), "not a number"});
    INFO(items);
    Fixture f;
    f.pull(k_esd, items);
    try {
        (void)current_power_scheme(f.client);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::amt_unavailable);
        CHECK_THAT(e.what(), Catch::Contains(message));
    }
}

TEST_CASE("SetPowerScheme names the scheme by its InstanceID selector and sends no arguments",
          "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_scheme + "/SetPowerSchemeResponse", k_scheme,
                                   "<g:SetPowerScheme_OUTPUT><g:ReturnValue>0</g:ReturnValue>"
                                   "</g:SetPowerScheme_OUTPUT>"));
    auto result = set_power_scheme(f.client, "Intel(r) AMT Power Scheme 2");
    CHECK(result.ok());
    CHECK(
        f.http.posted[0] ==
        expected_envelope(
            k_scheme + "/SetPowerScheme", k_scheme, "1",
            R"(<w:SelectorSet><w:Selector Name="InstanceID">Intel(r) AMT Power Scheme 2</w:Selector></w:SelectorSet>)",
            R"(<Body><h:SetPowerScheme_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SystemPowerScheme"/></Body>)"));
}

TEST_CASE("an endpoint reference is read with its address, resource and every selector", "[unit]") {
    Element epr =
        parse_xml("<r xmlns:b=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
                  "xmlns:c=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">" +
                  reference(k_scheme, "<c:Selector Name=\"CreationClassName\">AMT_SystemPowerScheme"
                                      "</c:Selector>" +
                                          instance_selector("S &amp; 1")) +
                  "</r>");
    auto read = parse_endpoint_reference(epr);
    CHECK(read.address == "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous");
    CHECK(read.resource_uri == k_scheme);
    REQUIRE(read.selectors.size() == 2);
    CHECK(read.selector("InstanceID") == "S & 1");
    CHECK(read.selector("CreationClassName") == "AMT_SystemPowerScheme");
    CHECK(read.selector("Name").empty());
    CHECK(epr_selector(epr, "InstanceID") == "S & 1");
    // Not a reference at all: no exception from epr_selector, an empty value.
    Element plain = parse_xml("<r>text</r>");
    CHECK_THROWS_AS(parse_endpoint_reference(plain), DecodeError);
    CHECK(epr_selector(plain, "InstanceID").empty());
}
