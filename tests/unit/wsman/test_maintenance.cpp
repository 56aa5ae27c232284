// Golden envelopes and parsing for clock, IP settings and user calls (reference/wsman.md 6, 9).
#include "amtcfg/wsman/maintenance.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_enum = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
const std::string k_put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
const std::string k_time =
    "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TimeSynchronizationService";
const std::string k_port = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings";
const std::string k_auth = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_AuthorizationService";

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
};

const std::string k_wired =
    "<h:AMT_EthernetPortSettings><h:DHCPEnabled>true</h:DHCPEnabled>"
    "<h:DefaultGateway>192.168.1.1</h:DefaultGateway>"
    "<h:ElementName>Intel(r) AMT Ethernet Port Settings</h:ElementName>"
    "<h:IPAddress>192.168.1.20</h:IPAddress>"
    "<h:InstanceID>Intel(r) AMT Ethernet Port Settings 0</h:InstanceID>"
    "<h:IpSyncEnabled>true</h:IpSyncEnabled><h:LinkIsUp>true</h:LinkIsUp>"
    "<h:LinkPolicy>1</h:LinkPolicy><h:LinkPolicy>14</h:LinkPolicy>"
    "<h:MACAddress>a4-ae-11-00-00-01</h:MACAddress>"
    "<h:PhysicalConnectionType>0</h:PhysicalConnectionType>"
    "<h:PrimaryDNS>192.168.1.1</h:PrimaryDNS><h:SharedMAC>true</h:SharedMAC>"
    "<h:SharedStaticIp>false</h:SharedStaticIp><h:SubnetMask>255.255.255.0</h:SubnetMask>"
    "</h:AMT_EthernetPortSettings>";

std::vector<EthernetPortSettings> enumerate_wired(Fixture& f) {
    f.http.reply(200, amt_response(k_enum + "/EnumerateResponse", k_port,
                                   "<g:EnumerateResponse><g:EnumerationContext>5A000000-0000-"
                                   "0000-0000-000000000000</g:EnumerationContext>"
                                   "</g:EnumerateResponse>",
                                   k_enum));
    f.http.reply(200, amt_response(k_enum + "/PullResponse", k_port,
                                   "<g:PullResponse xmlns:h=\"" + k_port + "\"><g:Items>" +
                                       k_wired + "</g:Items><g:EndOfSequence/></g:PullResponse>",
                                   k_enum));
    return enumerate_ethernet_port_settings(f.client);
}

} // namespace

TEST_CASE("time sync reads Ta0 and sends Ta0, Tm1, Tm2", "[unit]") {
    Fixture f;
    f.output(k_time, "GetLowAccuracyTimeSynch",
             "<g:Ta0>1700000000</g:Ta0><g:ReturnValue>0</g:ReturnValue>");
    f.output(k_time, "SetHighAccuracyTimeSynch", "<g:ReturnValue>0</g:ReturnValue>");
    LowAccuracyTime t = get_low_accuracy_time_synch(f.client);
    CHECK(t.result.ok());
    CHECK(t.ta0 == 1700000000U);
    CHECK(set_high_accuracy_time_synch(f.client, t.ta0, 1700000005U, 1700000006U).ok());
    std::string ns =
        R"( xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_TimeSynchronizationService")";
    CHECK(f.http.posted[0] ==
          expected_envelope(k_time + "/GetLowAccuracyTimeSynch", k_time, "1", "",
                            "<Body><h:GetLowAccuracyTimeSynch_INPUT" + ns + "/></Body>"));
    CHECK(f.http.posted[1] ==
          expected_envelope(k_time + "/SetHighAccuracyTimeSynch", k_time, "2", "",
                            "<Body><h:SetHighAccuracyTimeSynch_INPUT" + ns +
                                "><h:Ta0>1700000000</h:Ta0><h:Tm1>1700000005</h:Tm1>"
                                "<h:Tm2>1700000006</h:Tm2></h:SetHighAccuracyTimeSynch_INPUT>"
                                "</Body>"));
}

TEST_CASE("Ethernet port settings enumerate into typed ports", "[unit]") {
    Fixture f;
    auto ports = enumerate_wired(f);
    REQUIRE(ports.size() == 1);
    CHECK(ports[0].instance_id == "Intel(r) AMT Ethernet Port Settings 0");
    CHECK(ports[0].dhcp_enabled);
    CHECK(ports[0].ip_sync_enabled);
    CHECK(ports[0].link_is_up);
    CHECK(ports[0].mac_address == "a4-ae-11-00-00-01");
    CHECK(ports[0].ip_address == "192.168.1.20");
    CHECK(f.http.posted[1] == expected_envelope(k_enum + "/Pull", k_port, "2", "", R"(<Body>
            <Pull xmlns="http://schemas.xmlsoap.org/ws/2004/09/enumeration">
              <EnumerationContext>5A000000-0000-0000-0000-000000000000</EnumerationContext>
              <MaxElements>999</MaxElements>
              <MaxCharacters>99999</MaxCharacters>
            </Pull>
          </Body>)"));
}

TEST_CASE("a DHCP Put leaves the static address fields out", "[unit]") {
    Fixture f;
    auto ports = enumerate_wired(f);
    f.http.reply(200, amt_response(k_put + "Response", k_port,
                                   "<g:AMT_EthernetPortSettings><g:InstanceID>Intel(r) AMT "
                                   "Ethernet Port Settings 0</g:InstanceID>"
                                   "</g:AMT_EthernetPortSettings>"));
    put_ethernet_port_settings(f.client, ports[0]);
    CHECK(f.http.posted[2] == expected_envelope(k_put, k_port, "3", R"(
            <w:SelectorSet>
              <w:Selector Name="InstanceID">Intel(r) AMT Ethernet Port Settings 0</w:Selector>
            </w:SelectorSet>)",
                                                R"(<Body>
            <h:AMT_EthernetPortSettings xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings">
              <h:DHCPEnabled>true</h:DHCPEnabled>
              <h:ElementName>Intel(r) AMT Ethernet Port Settings</h:ElementName>
              <h:InstanceID>Intel(r) AMT Ethernet Port Settings 0</h:InstanceID>
              <h:IpSyncEnabled>true</h:IpSyncEnabled>
              <h:LinkIsUp>true</h:LinkIsUp>
              <h:LinkPolicy>1</h:LinkPolicy>
              <h:LinkPolicy>14</h:LinkPolicy>
              <h:MACAddress>a4-ae-11-00-00-01</h:MACAddress>
              <h:PhysicalConnectionType>0</h:PhysicalConnectionType>
              <h:SharedMAC>true</h:SharedMAC>
              <h:SharedStaticIp>false</h:SharedStaticIp>
            </h:AMT_EthernetPortSettings>
          </Body>)"));
}

TEST_CASE("a manual static Put carries the address and needs IP and mask", "[unit]") {
    Fixture f;
    auto ports = enumerate_wired(f);
    EthernetPortSettings port = ports[0];
    port.dhcp_enabled = false;
    port.ip_sync_enabled = false;
    port.ip_address = "10.0.0.5";
    port.subnet_mask = "255.0.0.0";
    port.default_gateway = "10.0.0.1";
    port.primary_dns = "10.0.0.2";
    port.secondary_dns.clear();
    f.http.reply(200, amt_response(k_put + "Response", k_port, "<g:AMT_EthernetPortSettings/>"));
    put_ethernet_port_settings(f.client, port);
    const std::string& sent = f.http.posted[2];
    CHECK(sent.find("<h:DHCPEnabled>false</h:DHCPEnabled>") != std::string::npos);
    CHECK(sent.find("<h:IpSyncEnabled>false</h:IpSyncEnabled>") != std::string::npos);
    CHECK(sent.find("<h:IPAddress>10.0.0.5</h:IPAddress><h:SubnetMask>255.0.0.0</h:SubnetMask>"
                    "<h:DefaultGateway>10.0.0.1</h:DefaultGateway>"
                    "<h:PrimaryDNS>10.0.0.2</h:PrimaryDNS></h:AMT_EthernetPortSettings>") !=
          std::string::npos);
    CHECK(sent.find("SecondaryDNS") == std::string::npos);
    port.subnet_mask.clear();
    CHECK_THROWS_WITH(put_ethernet_port_settings(f.client, port),
                      Catch::Contains("needs an IP address and a subnet mask"));
    CHECK(f.http.posted.size() == 3); // nothing sent for the invalid configuration
}

TEST_CASE("SetAdminAclEntryEx sends the user and the base64 digest", "[unit]") {
    Fixture f;
    f.output(k_auth, "SetAdminAclEntryEx", "<g:ReturnValue>0</g:ReturnValue>");
    CHECK(set_admin_acl_entry_ex(f.client, "admin", Secret("AMviB05zT+twP2E9Tn/hPA==")).ok());
    CHECK(f.http.posted[0] ==
          expected_envelope(k_auth + "/SetAdminAclEntryEx", k_auth, "1", "", R"(<Body>
            <h:SetAdminAclEntryEx_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_AuthorizationService">
              <h:Username>admin</h:Username>
              <h:DigestPassword>AMviB05zT+twP2E9Tn/hPA==</h:DigestPassword>
            </h:SetAdminAclEntryEx_INPUT>
          </Body>)"));
}

TEST_CASE("AddUserAclEntryEx repeats Realms and returns the handle", "[unit]") {
    Fixture f;
    f.output(k_auth, "AddUserAclEntryEx", "<g:Handle>3</g:Handle><g:ReturnValue>0</g:ReturnValue>");
    AddUserResult r = add_user_acl_entry_ex(f.client, "helpdesk", Secret("ZGlnZXN0"),
                                            AccessPermission::any, {2, 4});
    CHECK(r.result.ok());
    CHECK(r.handle == 3);
    CHECK(f.http.posted[0] ==
          expected_envelope(k_auth + "/AddUserAclEntryEx", k_auth, "1", "", R"(<Body>
            <h:AddUserAclEntryEx_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_AuthorizationService">
              <h:DigestUsername>helpdesk</h:DigestUsername>
              <h:DigestPassword>ZGlnZXN0</h:DigestPassword>
              <h:AccessPermission>2</h:AccessPermission>
              <h:Realms>2</h:Realms>
              <h:Realms>4</h:Realms>
            </h:AddUserAclEntryEx_INPUT>
          </Body>)"));
}

TEST_CASE("user ACL entries are enumerated page by page and read by handle", "[unit]") {
    Fixture f;
    f.output(k_auth, "EnumerateUserAclEntries",
             "<g:TotalCount>3</g:TotalCount><g:HandlesCount>2</g:HandlesCount>"
             "<g:Handles>1</g:Handles><g:Handles>2</g:Handles><g:ReturnValue>0</g:ReturnValue>");
    f.output(k_auth, "EnumerateUserAclEntries",
             "<g:TotalCount>3</g:TotalCount><g:HandlesCount>1</g:HandlesCount>"
             "<g:Handles>5</g:Handles><g:ReturnValue>0</g:ReturnValue>");
    f.output(k_auth, "GetUserAclEntryEx",
             "<g:DigestUsername>helpdesk</g:DigestUsername><g:AccessPermission>2"
             "</g:AccessPermission><g:Realms>2</g:Realms><g:Realms>4</g:Realms>"
             "<g:ReturnValue>0</g:ReturnValue>");
    f.output(k_auth, "RemoveUserAclEntry", "<g:ReturnValue>2053</g:ReturnValue>");
    UserHandles handles = enumerate_user_acl_entries(f.client);
    CHECK(handles.handles == std::vector<std::uint32_t>{1, 2, 5});
    CHECK(f.http.posted[1].find("<h:StartIndex>3</h:StartIndex>") != std::string::npos);
    UserAclEntry entry = get_user_acl_entry_ex(f.client, 5);
    CHECK(entry.username == "helpdesk");
    CHECK(entry.realms == std::vector<std::uint32_t>{2, 4});
    CHECK(f.http.posted[2] ==
          expected_envelope(k_auth + "/GetUserAclEntryEx", k_auth, "3", "", R"(<Body>
            <h:GetUserAclEntryEx_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_AuthorizationService">
              <h:Handle>5</h:Handle>
            </h:GetUserAclEntryEx_INPUT>
          </Body>)"));
    CHECK(remove_user_acl_entry(f.client, 5).describe() == "2053 (INVALID_HANDLE)");
}
