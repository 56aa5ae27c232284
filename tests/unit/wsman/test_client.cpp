// The WS-Man client against a recording fake: faults, HTTP statuses, Pull loops, traces.
#include "amtcfg/wsman/client.hpp"
#include "amtcfg/wsman/redact.hpp"
#include "amtcfg/wsman/schema.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;

namespace {

const std::string k_enum_ns = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
const std::string k_port = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings";
const std::string k_kvm = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_KVMRedirectionSAP";

// A fault as AMT sends it (reference/wsman.md section 5: its own prefix set, no ResourceURI).
std::string amt_fault(std::string_view code, std::string_view subcode, std::string_view reason) {
    return std::string(
               R"(<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" )"
               R"(xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" )"
               R"(xmlns:c="http://schemas.xmlsoap.org/ws/2004/09/enumeration" )"
               R"(xmlns:d="http://schemas.xmlsoap.org/ws/2004/09/transfer" )"
               R"(xmlns:e="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" )"
               R"(xmlns:f="http://schemas.xmlsoap.org/ws/2004/08/eventing" )"
               R"(xmlns:g="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" )"
               R"(xmlns:h="http://schemas.xmlsoap.org/ws/2005/02/trust" )"
               R"(xmlns:i="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">)"
               R"(<a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To>)"
               R"(<b:RelatesTo>1</b:RelatesTo><b:Action a:mustUnderstand="true">)"
               R"(http://schemas.xmlsoap.org/ws/2004/08/addressing/fault</b:Action>)"
               R"(<b:MessageID>uuid:00000000-8086-8086-8086-00000000000A</b:MessageID></a:Header>)"
               R"(<a:Body><a:Fault><a:Code><a:Value>a:)") +
           std::string(code) + "</a:Value><a:Subcode><a:Value>" + std::string(subcode) +
           R"(</a:Value></a:Subcode></a:Code><a:Reason><a:Text xml:lang="en-US">)" +
           std::string(reason) + "</a:Text></a:Reason><a:Detail/></a:Fault></a:Body></a:Envelope>";
}

std::string pull_response(std::string_view inner) {
    return amt_response(k_enum_ns + "/PullResponse", k_port,
                        R"(<g:PullResponse xmlns:h=")" + k_port + R"(">)" + std::string(inner) +
                            "</g:PullResponse>",
                        k_enum_ns);
}

std::string port(std::string_view id) {
    return "<h:AMT_EthernetPortSettings><h:InstanceID>" + std::string(id) +
           "</h:InstanceID></h:AMT_EthernetPortSettings>";
}

// AMT's answer to a Get of the KVM redirection SAP, enabled (6).
std::string kvm_get_response() {
    return amt_response("http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", k_kvm,
                        "<g:CIM_KVMRedirectionSAP><g:EnabledState>6"
                        "</g:EnabledState></g:CIM_KVMRedirectionSAP>");
}

struct Fixture {
    test::FakeHttp http;
    Log log;
    test::RecordingSink sink;
    Client client{http, log};
    Fixture() { log.add_sink(sink, LogLevel::trace); }
};

} // namespace

TEST_CASE("a Get posts to /wsman and returns the instance", "[unit]") {
    Fixture f;
    f.http.reply(200, kvm_get_response());
    Envelope env = f.client.get(k_kvm);
    CHECK(instance_of(env, k_kvm).property("EnabledState") == "6");
    CHECK(f.http.paths == std::vector<std::string>{"/wsman"});
    CHECK(f.client.request_count() == 1);
}

TEST_CASE("a Get or Enumerate failed with HTTP 500 is asked once more", "[unit]") {
    Fixture f;
    f.http.replies.push_back({500, "", ""});
    f.http.reply(200, kvm_get_response());
    Envelope env = f.client.get(k_kvm);
    CHECK(instance_of(env, k_kvm).property("EnabledState") == "6");
    CHECK(f.http.posted.size() == 2);
    CHECK(f.client.request_count() == 2);
    f.http.replies.push_back({500, "", ""});
    f.http.reply(200, amt_response(k_enum_ns + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>01000000"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum_ns));
    f.http.reply(200, pull_response("<g:Items>" + port("p0") + "</g:Items><g:EndOfSequence/>"));
    CHECK(f.client.enumerate(k_port).size() == 1);
    CHECK(f.http.posted.size() == 5);
}

TEST_CASE("a Put, Pull or method call failed with HTTP 500 is never re-sent", "[unit]") {
    Fixture f;
    f.http.replies.push_back({500, "", ""});
    Element instance;
    instance.ns = k_kvm;
    instance.name = "CIM_KVMRedirectionSAP";
    CHECK_THROWS_WITH(f.client.put(k_kvm, instance), Catch::Contains("HTTP 500"));
    CHECK(f.http.posted.size() == 1);
    f.http.replies.push_back({500, "", ""});
    CHECK_THROWS_WITH(f.client.invoke(k_kvm, "RequestStateChange", {{"RequestedState", "2"}}),
                      Catch::Contains("HTTP 500"));
    CHECK(f.http.posted.size() == 2);
    f.http.reply(200, amt_response(k_enum_ns + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>01000000"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum_ns));
    f.http.replies.push_back({500, "", ""});
    CHECK_THROWS_WITH(f.client.enumerate(k_port), Catch::Contains("HTTP 500"));
    CHECK(f.http.posted.size() == 4);
}

TEST_CASE("message IDs count up per request", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response("x", k_kvm, "<g:CIM_KVMRedirectionSAP/>"));
    f.http.reply(200, amt_response("x", k_kvm, "<g:CIM_KVMRedirectionSAP/>"));
    f.client.get(k_kvm);
    f.client.get(k_kvm);
    CHECK(f.http.posted[0].find("<a:MessageID>1</a:MessageID>") != std::string::npos);
    CHECK(f.http.posted[1].find("<a:MessageID>2</a:MessageID>") != std::string::npos);
}

TEST_CASE("a SOAP fault on HTTP 400 becomes an error of the table's category", "[unit]") {
    Fixture f;
    f.http.reply(400, amt_fault("Sender", "b:DestinationUnreachable",
                                "No route can be determined to reach the destination role "
                                "defined by the WSAddressing To."));
    try {
        f.client.get(k_kvm);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::amt_unavailable);
        CHECK_THAT(e.what(), Catch::Contains("CIM_KVMRedirectionSAP Get") &&
                                 Catch::Contains("DestinationUnreachable") &&
                                 Catch::Contains("No route can be determined"));
    }
}

TEST_CASE("fault subcodes map through one table", "[unit]") {
    auto category = [](std::string_view code, std::string_view subcode) {
        return fault_error(Fault{std::string(code), std::string(subcode), "r", ""}, "X Get")
            .category();
    };
    CHECK(category("Sender", "AccessDenied") == ErrorCategory::auth_failed);
    CHECK(category("Sender", "AlreadyExists") == ErrorCategory::wrong_state);
    CHECK(category("Sender", "InvalidParameter") == ErrorCategory::config_step_failed);
    CHECK(category("Sender", "SchemaValidationError") == ErrorCategory::internal);
    CHECK(category("Receiver", "InternalError") == ErrorCategory::amt_unavailable);
    CHECK(category("Receiver", "SomethingNew") == ErrorCategory::amt_unavailable);
    CHECK(category("Sender", "SomethingNew") == ErrorCategory::config_step_failed);
}

TEST_CASE("exchange returns a fault as a value for callers that expect one", "[unit]") {
    Fixture f;
    f.http.reply(400, amt_fault("Sender", "e:AlreadyExists",
                                "The sender attempted to create a resource which already "
                                "exists."));
    Reply reply = f.client.exchange(make_create(k_port, Element{k_port, "X", {}, {}, {}}));
    REQUIRE(reply.fault);
    CHECK(reply.http_status == 400);
    CHECK(reply.fault->code == "Sender");
    CHECK(reply.fault->subcode == "AlreadyExists");
    CHECK_THAT(reply.fault->reason, Catch::StartsWith("The sender attempted"));
}

TEST_CASE("HTTP 401 means AMT rejected the credentials", "[unit]") {
    Fixture f;
    f.http.replies.push_back({401, "text/html", "<HTML><BODY>Log on failed</BODY></HTML>"});
    try {
        f.client.get(k_kvm);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::auth_failed);
        CHECK_THAT(e.what(), Catch::StartsWith("AMT rejected the credentials"));
    }
}

TEST_CASE("non-WS-Man answers are amt_unavailable and say what was asked", "[unit]") {
    Fixture f;
    f.http.replies.push_back({500, "", ""});
    f.http.replies.push_back({500, "", ""}); // a Get is asked twice before HTTP 500 is final
    f.http.reply(200, "<html>not soap</html>");
    f.http.reply(200, "<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\"><a:Body>");
    CHECK_THROWS_MATCHES(f.client.get(k_kvm), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.category() == ErrorCategory::amt_unavailable &&
                                    std::string(e.what()).find("HTTP 500") != std::string::npos;
                         }));
    CHECK_THROWS_WITH(f.client.get(k_kvm), Catch::Contains("not a valid WS-Man response"));
    CHECK_THROWS_WITH(f.client.get(k_kvm), Catch::Contains("CIM_KVMRedirectionSAP Get"));
}

TEST_CASE("transport errors get the call as context", "[unit]") {
    struct Failing : http::Client {
        http::Response post(const std::string&, const std::string&) override {
            throw Error(ErrorCategory::wsman_unreachable, "connection refused by LMS");
        }
    } failing;
    Log log;
    Client client(failing, log);
    CHECK_THROWS_WITH(client.get(k_kvm),
                      "WS-Man CIM_KVMRedirectionSAP Get: connection refused by LMS");
}

TEST_CASE("enumerate pulls until EndOfSequence, following partial Pull contexts", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_enum_ns + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>CTX-1"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum_ns));
    // Partial: the context comes before Items and there is no EndOfSequence.
    f.http.reply(200, pull_response("<g:EnumerationContext>CTX-2</g:EnumerationContext><g:Items>" +
                                    port("Intel(r) AMT Ethernet Port Settings 0") + "</g:Items>"));
    f.http.reply(200, pull_response("<g:Items>" + port("Intel(r) AMT Ethernet Port Settings 1") +
                                    "</g:Items><g:EndOfSequence/>"));
    auto items = f.client.enumerate(k_port);
    REQUIRE(items.size() == 2);
    CHECK(items[0].property("InstanceID") == "Intel(r) AMT Ethernet Port Settings 0");
    CHECK(items[1].property("InstanceID") == "Intel(r) AMT Ethernet Port Settings 1");
    REQUIRE(f.http.posted.size() == 3);
    CHECK(f.http.posted[1].find("<EnumerationContext>CTX-1</EnumerationContext>") !=
          std::string::npos);
    CHECK(f.http.posted[2].find("<EnumerationContext>CTX-2</EnumerationContext>") !=
          std::string::npos);
}

TEST_CASE("an empty Pull has empty Items and no instances", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_enum_ns + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>C"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum_ns));
    f.http.reply(200, pull_response("<g:Items></g:Items><g:EndOfSequence></g:EndOfSequence>"));
    CHECK(f.client.enumerate(k_port).empty());
}

TEST_CASE("an enumeration that never ends is cut off", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_enum_ns + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>C"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum_ns));
    for (int i = 0; i < 1000; ++i) {
        f.http.reply(200, pull_response("<g:Items/>"));
    }
    CHECK_THROWS_WITH(f.client.enumerate(k_port), Catch::Contains("did not end"));
}

TEST_CASE("a method's ReturnValue is a value with its PT_STATUS name", "[unit]") {
    Fixture f;
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService";
    f.http.reply(200, amt_response(uri + "/SetMEBxPasswordResponse", uri,
                                   "<g:SetMEBxPassword_OUTPUT><g:ReturnValue>2054"
                                   "</g:ReturnValue></g:SetMEBxPassword_OUTPUT>"));
    MethodResult r = f.client.invoke(uri, "SetMEBxPassword", {{"Password", "Mebx-Pa55!"}});
    CHECK_FALSE(r.ok());
    CHECK(r.return_value == 2054);
    CHECK(r.describe() == "2054 (INVALID_PASSWORD)");
}

TEST_CASE("host-based setup methods name ReturnValues from their own enumeration", "[unit]") {
    std::string hbs = "http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService";
    CHECK(return_value_name(hbs, "Setup", 5) == "AuthFailed");
    CHECK(return_value_name(hbs, "AddNextCertInChain", 4) == "CertVerifyFailed");
    CHECK(return_value_name(hbs, "AdminSetup", 2) == "InvalidState");
    CHECK(return_value_name(hbs, "Setup", 99) == "UNKNOWN");
    CHECK(pt_status_name(2076) == "BLOCKING_COMPONENT");
    CHECK(pt_status_name(38) == "FLASH_WRITE_LIMIT_EXCEEDED");
}

TEST_CASE("a method answer without ReturnValue is not a valid response", "[unit]") {
    Fixture f;
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TimeSynchronizationService";
    f.http.reply(200, amt_response(uri + "/GetLowAccuracyTimeSynchResponse", uri,
                                   "<g:GetLowAccuracyTimeSynch_OUTPUT><g:Ta0>1</g:Ta0>"
                                   "</g:GetLowAccuracyTimeSynch_OUTPUT>"));
    f.http.reply(200, amt_response(uri + "/GetLowAccuracyTimeSynchResponse", uri,
                                   "<g:GetLowAccuracyTimeSynch_OUTPUT><g:ReturnValue>x"
                                   "</g:ReturnValue></g:GetLowAccuracyTimeSynch_OUTPUT>"));
    CHECK_THROWS_WITH(f.client.invoke(uri, "GetLowAccuracyTimeSynch", {}),
                      Catch::Contains("has no ReturnValue"));
    CHECK_THROWS_WITH(f.client.invoke(uri, "GetLowAccuracyTimeSynch", {}),
                      Catch::Contains("is not a number"));
}

TEST_CASE("traces show requests and responses with password elements redacted", "[unit]") {
    Fixture f;
    std::string uri = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_AuthorizationService";
    f.http.reply(200, amt_response(uri + "/SetAdminAclEntryExResponse", uri,
                                   "<g:SetAdminAclEntryEx_OUTPUT><g:ReturnValue>0"
                                   "</g:ReturnValue></g:SetAdminAclEntryEx_OUTPUT>"));
    f.client.invoke(uri, "SetAdminAclEntryEx",
                    {{"Username", "admin"}, {"DigestPassword", "c2VjcmV0LWRpZ2VzdA=="}});
    REQUIRE(f.http.posted.size() == 1);
    CHECK(f.http.posted[0].find("c2VjcmV0LWRpZ2VzdA==") != std::string::npos); // on the wire
    std::string all;
    for (const auto& line : f.sink.lines) {
        all += line + "\n";
    }
    CHECK(all.find("c2VjcmV0LWRpZ2VzdA==") == std::string::npos);
    CHECK(all.find("<h:DigestPassword><redacted></h:DigestPassword>") != std::string::npos);
    CHECK(all.find("<h:Username>admin</h:Username>") != std::string::npos);
    CHECK(all.find("wsman response AMT_AuthorizationService SetAdminAclEntryEx (HTTP 200)") !=
          std::string::npos);
}

TEST_CASE("redaction works whatever the prefix and on truncated text", "[unit]") {
    CHECK(redact_xml("<NetworkAdminPassword>abc</NetworkAdminPassword>") ==
          "<NetworkAdminPassword><redacted></NetworkAdminPassword>");
    CHECK(redact_xml("<x:Password a=\"1\">abc</x:Password><y>1</y>") ==
          "<x:Password a=\"1\"><redacted></x:Password><y>1</y>");
    CHECK(redact_xml("<h:RFBPassword>abc") == "<h:RFBPassword><redacted>");
    CHECK(redact_xml("<h:Password/><h:PasswordModel>1</h:PasswordModel>") ==
          "<h:Password/><h:PasswordModel>1</h:PasswordModel>");
    CHECK(redact_xml("<g:ProvisioningServerOTP>b3Rw</g:ProvisioningServerOTP>") ==
          "<g:ProvisioningServerOTP><redacted></g:ProvisioningServerOTP>");
    CHECK(redact_xml("<<>>< /><") == "<<>>< /><");
    CHECK(is_secret_element("KeyBlob"));
    CHECK_FALSE(is_secret_element("NetAdminPassEncryptionType"));
}
