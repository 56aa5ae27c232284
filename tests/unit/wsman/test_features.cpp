// Golden envelopes and parsing for redirection, KVM, user consent and software identity.
#include "amtcfg/wsman/features.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
const std::string k_put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
const std::string k_enum = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
const std::string k_redir = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService";
const std::string k_sap = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_KVMRedirectionSAP";
const std::string k_kvm =
    "http://intel.com/wbem/wscim/1/ips-schema/1/IPS_KVMRedirectionSettingData";
const std::string k_optin = "http://intel.com/wbem/wscim/1/ips-schema/1/IPS_OptInService";
const std::string k_sw = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity";

struct Fixture {
    test::FakeHttp http;
    Log log;
    Client client{http, log};

    void instance(const std::string& action, const std::string& uri, std::string_view inner) {
        std::string name(uri.substr(uri.rfind('/') + 1));
        http.reply(200,
                   amt_response(action + "Response", uri,
                                "<g:" + name + ">" + std::string(inner) + "</g:" + name + ">"));
    }
};

} // namespace

TEST_CASE("redirection service Get, Put of ListenerEnabled, RequestStateChange", "[unit]") {
    Fixture f;
    std::string props = "<g:CreationClassName>AMT_RedirectionService</g:CreationClassName>"
                        "<g:ElementName>Intel(r) AMT Redirection Service</g:ElementName>"
                        "<g:EnabledState>32768</g:EnabledState>"
                        "<g:ListenerEnabled>false</g:ListenerEnabled>"
                        "<g:Name>Intel(r) AMT Redirection Service</g:Name>";
    f.instance(k_get, k_redir, props);
    RedirectionService s = get_redirection_service(f.client);
    CHECK(s.enabled_state == 32768);
    CHECK_FALSE(s.listener_enabled);
    s.listener_enabled = true;
    f.instance(k_put, k_redir, props);
    put_redirection_service(f.client, s);
    CHECK(f.http.posted[1] == expected_envelope(k_put, k_redir, "2", "", R"(<Body>
            <h:AMT_RedirectionService xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService">
              <h:CreationClassName>AMT_RedirectionService</h:CreationClassName>
              <h:ElementName>Intel(r) AMT Redirection Service</h:ElementName>
              <h:EnabledState>32768</h:EnabledState>
              <h:ListenerEnabled>true</h:ListenerEnabled>
              <h:Name>Intel(r) AMT Redirection Service</h:Name>
            </h:AMT_RedirectionService>
          </Body>)"));
    f.http.reply(200, amt_response(k_redir + "/RequestStateChangeResponse", k_redir,
                                   "<g:RequestStateChange_OUTPUT><g:ReturnValue>0</g:ReturnValue>"
                                   "</g:RequestStateChange_OUTPUT>"));
    CHECK(request_redirection_state_change(f.client, RedirectionState::ider_and_sol).ok());
    CHECK(f.http.posted[2] ==
          expected_envelope(k_redir + "/RequestStateChange", k_redir, "3", "", R"(<Body>
            <h:RequestStateChange_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService">
              <h:RequestedState>32771</h:RequestedState>
            </h:RequestStateChange_INPUT>
          </Body>)"));
}

TEST_CASE("KVM SAP Get and RequestStateChange use the CIM schema", "[unit]") {
    Fixture f;
    f.instance(k_get, k_sap,
               "<g:EnabledState>6</g:EnabledState><g:KVMProtocol>4</g:KVMProtocol>"
               "<g:RequestedState>2</g:RequestedState>");
    KvmRedirectionSap sap = get_kvm_redirection_sap(f.client);
    CHECK(sap.enabled_state == 6);
    CHECK(sap.kvm_protocol == 4);
    CHECK(f.http.posted[0] == expected_envelope(k_get, k_sap, "1", "", "<Body/>"));
    f.http.reply(200, amt_response(k_sap + "/RequestStateChangeResponse", k_sap,
                                   "<g:RequestStateChange_OUTPUT><g:ReturnValue>0</g:ReturnValue>"
                                   "</g:RequestStateChange_OUTPUT>"));
    CHECK(request_kvm_state_change(f.client, KvmState::enabled).ok());
    CHECK(f.http.posted[1] ==
          expected_envelope(k_sap + "/RequestStateChange", k_sap, "2", "", R"(<Body>
            <h:RequestStateChange_INPUT xmlns:h="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_KVMRedirectionSAP">
              <h:RequestedState>2</h:RequestedState>
            </h:RequestStateChange_INPUT>
          </Body>)"));
}

TEST_CASE("KVM setting data Put leaves the write-only RFBPassword out", "[unit]") {
    Fixture f;
    std::string props = "<g:BackToBackFbMode>false</g:BackToBackFbMode>"
                        "<g:ElementName>Intel(r) KVM Redirection Settings</g:ElementName>"
                        "<g:EnabledByMEBx>true</g:EnabledByMEBx>"
                        "<g:InstanceID>Intel(r) KVM Redirection Settings</g:InstanceID>"
                        "<g:Is5900PortEnabled>false</g:Is5900PortEnabled>"
                        "<g:OptInPolicy>true</g:OptInPolicy>"
                        "<g:OptInPolicyTimeout>300</g:OptInPolicyTimeout>"
                        "<g:RFBPassword></g:RFBPassword>"
                        "<g:SessionTimeout>3</g:SessionTimeout>";
    f.instance(k_get, k_kvm, props);
    KvmRedirectionSettingData s = get_kvm_redirection_setting_data(f.client);
    CHECK(s.enabled_by_mebx);
    CHECK(s.opt_in_policy);
    CHECK(s.opt_in_policy_timeout == 300);
    s.opt_in_policy = false;
    s.session_timeout = 10;
    f.instance(k_put, k_kvm, props);
    put_kvm_redirection_setting_data(f.client, s);
    CHECK(f.http.posted[1] == expected_envelope(k_put, k_kvm, "2", "", R"(<Body>
            <h:IPS_KVMRedirectionSettingData xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_KVMRedirectionSettingData">
              <h:BackToBackFbMode>false</h:BackToBackFbMode>
              <h:ElementName>Intel(r) KVM Redirection Settings</h:ElementName>
              <h:EnabledByMEBx>true</h:EnabledByMEBx>
              <h:InstanceID>Intel(r) KVM Redirection Settings</h:InstanceID>
              <h:Is5900PortEnabled>false</h:Is5900PortEnabled>
              <h:OptInPolicy>false</h:OptInPolicy>
              <h:OptInPolicyTimeout>300</h:OptInPolicyTimeout>
              <h:SessionTimeout>10</h:SessionTimeout>
            </h:IPS_KVMRedirectionSettingData>
          </Body>)"));
}

TEST_CASE("opt-in service Get and Put of OptInRequired", "[unit]") {
    Fixture f;
    std::string props = "<g:CanModifyOptInPolicy>1</g:CanModifyOptInPolicy>"
                        "<g:OptInRequired>4294967295</g:OptInRequired>"
                        "<g:OptInState>0</g:OptInState>";
    f.instance(k_get, k_optin, props);
    OptInService s = get_opt_in_service(f.client);
    CHECK(s.opt_in_required == k_opt_in_all);
    CHECK(s.can_modify_opt_in_policy);
    s.opt_in_required = k_opt_in_kvm;
    f.instance(k_put, k_optin, props);
    put_opt_in_service(f.client, s);
    CHECK(f.http.posted[1] == expected_envelope(k_put, k_optin, "2", "", R"(<Body>
            <h:IPS_OptInService xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_OptInService">
              <h:CanModifyOptInPolicy>1</h:CanModifyOptInPolicy>
              <h:OptInRequired>1</h:OptInRequired>
              <h:OptInState>0</h:OptInState>
            </h:IPS_OptInService>
          </Body>)"));
}

TEST_CASE("software identity gives the AMT version", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_enum + "/EnumerateResponse", k_sw,
                                   "<g:EnumerateResponse><g:EnumerationContext>C1"
                                   "</g:EnumerationContext></g:EnumerateResponse>",
                                   k_enum));
    auto item = [](std::string_view id, std::string_view version) {
        return "<h:CIM_SoftwareIdentity><h:InstanceID>" + std::string(id) +
               "</h:InstanceID><h:IsEntity>true</h:IsEntity><h:VersionString>" +
               std::string(version) + "</h:VersionString></h:CIM_SoftwareIdentity>";
    };
    f.http.reply(200, amt_response(k_enum + "/PullResponse", k_sw,
                                   "<g:PullResponse xmlns:h=\"" + k_sw + "\"><g:Items>" +
                                       item("Flash", "16.1.25") + item("AMT", "16.1.25") +
                                       item("Build Number", "2051") +
                                       "</g:Items><g:EndOfSequence/></g:PullResponse>",
                                   k_enum));
    auto identities = enumerate_software_identity(f.client);
    REQUIRE(identities.size() == 3);
    CHECK(identities[2].version_string == "2051");
    CHECK(amt_version(identities) == "16.1.25");
    CHECK(amt_version({}).empty());
}
