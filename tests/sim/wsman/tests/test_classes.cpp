// Each simulated AMT class: what a call changes on the device, and what it refuses.
#include "amtcfg/util/bytes.hpp"
#include "wsman/digest.hpp"
#include "wsman/service.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;

namespace {

const std::string k_password = "P@ssw0rd!";

struct Device {
    test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanService service{model, WsmanFaults{}, world.environment()};
    DigestClient lsa{service, "$$OsAdmin", default_device().lsa_password};

    DeviceState state() const { return model.snapshot(); }
    // The device as admin control mode leaves it (nothing forced) and its admin: before
    // activation the local system account may not touch these classes.
    DigestClient acm_admin() {
        model.modify([](DeviceState& s) {
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = k_password;
        });
        return DigestClient(service, "admin", k_password);
    }
};

std::string subcode(const test::ParsedResponse& response) {
    auto values = test::element_texts(response.body, "Value");
    return values.size() > 1 ? values[1] : std::string();
}

// CCM activation as a client does it (wsman.md section 7.1).
DigestClient activate_ccm(Device& device) {
    auto ha1 = digest_ha1("admin", device.state().realm, k_password);
    auto response =
        device.lsa.invoke("IPS_HostBasedSetupService", "Setup",
                          "<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>"
                          "<h:NetworkAdminPassword>" +
                              ha1 + "</h:NetworkAdminPassword>");
    REQUIRE(element_text(response.body, "ReturnValue") == "0");
    return DigestClient(device.service, "admin", k_password);
}

} // namespace

TEST_CASE("GeneralSettings Put changes the host name and returns the instance", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    auto response =
        admin.put("AMT_GeneralSettings",
                  "<h:ElementName>Intel(r) AMT: General Settings</h:ElementName>"
                  "<h:InstanceID>Intel(r) AMT: General Settings</h:InstanceID>"
                  "<h:HostName>ws-042</h:HostName><h:DomainName>corp.example.com</h:DomainName>"
                  "<h:PingResponseEnabled>false</h:PingResponseEnabled>",
                  {{"InstanceID", "Intel(r) AMT: General Settings"}});
    REQUIRE(response.status == 200);
    CHECK(element_text(response.body, "Action") ==
          "http://schemas.xmlsoap.org/ws/2004/09/transfer/PutResponse");
    CHECK(element_text(response.body, "HostName") == "ws-042");
    CHECK(device.state().hostname == "ws-042");
    CHECK(device.state().domain == "corp.example.com");
    CHECK(element_text(admin.get("AMT_GeneralSettings").body, "PingResponseEnabled") == "false");
}

TEST_CASE("Puts with wrong selectors, unknown properties or invalid values are refused",
          "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    auto wrong_selector = admin.put("AMT_GeneralSettings", "<h:HostName>a</h:HostName>",
                                    {{"InstanceID", "Intel(r) AMT: Other"}});
    CHECK(subcode(wrong_selector) == "e:InvalidSelectors");
    auto bad_value =
        admin.put("AMT_GeneralSettings", "<h:PingResponseEnabled>maybe</h:PingResponseEnabled>");
    CHECK(subcode(bad_value) == "d:InvalidRepresentation");
    auto bad_host = admin.put("AMT_GeneralSettings", "<h:HostName>bad_name!</h:HostName>");
    CHECK(subcode(bad_host) == "d:InvalidRepresentation");
    auto unknown = admin.put("AMT_GeneralSettings", "<h:Colour>blue</h:Colour>");
    CHECK(subcode(unknown) == "d:InvalidRepresentation");
    auto read_only = admin.put("AMT_GeneralSettings", "<h:DigestRealm>Digest:0</h:DigestRealm>");
    CHECK(read_only.status == 200);
    auto no_put = admin.put("AMT_SetupAndConfigurationService", "");
    CHECK(subcode(no_put) == "b:ActionNotSupported");
    CHECK(device.state().hostname == "simhost");
    CHECK(device.state().realm == "Digest:A3829B3827DE4D33D4449B366831B8B5");
}

TEST_CASE("EthernetPortSettings enforces the DHCP / sync / static rules", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    std::map<std::string, std::string> wired{
        {"InstanceID", "Intel(r) AMT Ethernet Port Settings 0"}};
    auto dhcp_with_ip =
        admin.put("AMT_EthernetPortSettings",
                  "<h:DHCPEnabled>true</h:DHCPEnabled><h:IPAddress>10.0.0.5</h:IPAddress>", wired);
    CHECK(subcode(dhcp_with_ip) == "d:InvalidRepresentation");
    auto static_without_ip = admin.put(
        "AMT_EthernetPortSettings",
        "<h:DHCPEnabled>false</h:DHCPEnabled><h:IpSyncEnabled>false</h:IpSyncEnabled>", wired);
    CHECK(subcode(static_without_ip) == "d:InvalidRepresentation");
    auto bad_ip =
        admin.put("AMT_EthernetPortSettings",
                  "<h:DHCPEnabled>false</h:DHCPEnabled><h:IpSyncEnabled>false</h:IpSyncEnabled>"
                  "<h:IPAddress>10.0.0.300</h:IPAddress><h:SubnetMask>255.0.0.0</h:SubnetMask>",
                  wired);
    CHECK(subcode(bad_ip) == "d:InvalidRepresentation");
    auto manual =
        admin.put("AMT_EthernetPortSettings",
                  "<h:DHCPEnabled>false</h:DHCPEnabled><h:IpSyncEnabled>false</h:IpSyncEnabled>"
                  "<h:SharedStaticIp>false</h:SharedStaticIp><h:IPAddress>10.0.0.5</h:IPAddress>"
                  "<h:SubnetMask>255.0.0.0</h:SubnetMask><h:LinkIsUp>false</h:LinkIsUp>",
                  wired);
    REQUIRE(manual.status == 200);
    auto snapshot = device.state();
    const auto& port = snapshot.wsman.classes.at("AMT_EthernetPortSettings")[0];
    CHECK(port.get("IPAddress") == "10.0.0.5");
    CHECK(port.get("DHCPEnabled") == "false");
    CHECK(port.get("LinkIsUp") == "true"); // read-only
    auto wireless_static =
        admin.put("AMT_EthernetPortSettings",
                  "<h:DHCPEnabled>false</h:DHCPEnabled><h:IpSyncEnabled>true</h:IpSyncEnabled>",
                  {{"InstanceID", "Intel(r) AMT Ethernet Port Settings 1"}});
    CHECK(subcode(wireless_static) == "d:InvalidRepresentation");
}

TEST_CASE("redirection, KVM and KVM settings change state", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    auto rsc = admin.invoke("AMT_RedirectionService", "RequestStateChange",
                            "<h:RequestedState>32771</h:RequestedState>");
    CHECK(element_text(rsc.body, "ReturnValue") == "0");
    CHECK(element_text(rsc.body, "Action")
              .ends_with("AMT_RedirectionService/RequestStateChangeResponse"));
    auto bad = admin.invoke("AMT_RedirectionService", "RequestStateChange",
                            "<h:RequestedState>7</h:RequestedState>");
    CHECK(element_text(bad.body, "ReturnValue") == "5");
    auto listener =
        admin.put("AMT_RedirectionService", "<h:ListenerEnabled>true</h:ListenerEnabled>");
    CHECK(listener.status == 200);
    auto service = admin.get("AMT_RedirectionService").body;
    CHECK(element_text(service, "EnabledState") == "32771");
    CHECK(element_text(service, "ListenerEnabled") == "true");
    admin.invoke("CIM_KVMRedirectionSAP", "RequestStateChange",
                 "<h:RequestedState>2</h:RequestedState>");
    CHECK(element_text(admin.get("CIM_KVMRedirectionSAP").body, "EnabledState") == "6");
    auto port_without_password = admin.put("IPS_KVMRedirectionSettingData",
                                           "<h:Is5900PortEnabled>true</h:Is5900PortEnabled>");
    CHECK(subcode(port_without_password) == "d:InvalidRepresentation");
    auto with_password = admin.put(
        "IPS_KVMRedirectionSettingData",
        "<h:Is5900PortEnabled>true</h:Is5900PortEnabled><h:RFBPassword>Vnc-P4ss</h:RFBPassword>");
    CHECK(with_password.status == 200);
    CHECK(with_password.body.find("RFBPassword") == std::string::npos); // write-only
}

TEST_CASE("opt-in: policy Put, consent code flow, and forced consent in CCM", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    CHECK(admin.put("IPS_OptInService", "<h:OptInRequired>0</h:OptInRequired>").status == 200);
    CHECK(element_text(admin.get("IPS_OptInService").body, "OptInRequired") == "0");
    CHECK(subcode(admin.put("IPS_OptInService", "<h:OptInRequired>2</h:OptInRequired>")) ==
          "d:InvalidRepresentation");
    CHECK(element_text(admin.invoke("IPS_OptInService", "StartOptIn", "").body, "ReturnValue") ==
          "0");
    CHECK(element_text(admin.invoke("IPS_OptInService", "StartOptIn", "").body, "ReturnValue") ==
          "2");
    auto wrong = admin.invoke("IPS_OptInService", "SendOptInCode", "<h:OptInCode>1</h:OptInCode>");
    CHECK(element_text(wrong.body, "ReturnValue") == "36");
    auto right =
        admin.invoke("IPS_OptInService", "SendOptInCode",
                     "<h:OptInCode>" + device.service.scratch().opt_in_code + "</h:OptInCode>");
    CHECK(element_text(right.body, "ReturnValue") == "0");
    CHECK(element_text(admin.get("IPS_OptInService").body, "OptInState") == "3");

    Device fresh;
    auto ccm_admin = activate_ccm(fresh);
    auto ccm = ccm_admin.get("IPS_OptInService").body;
    CHECK(element_text(ccm, "OptInRequired") == "4294967295");
    CHECK(element_text(ccm, "CanModifyOptInPolicy") == "0");
    ccm_admin.put("IPS_OptInService", "<h:OptInRequired>0</h:OptInRequired>");
    CHECK(element_text(ccm_admin.get("IPS_OptInService").body, "OptInRequired") == "4294967295");
}

TEST_CASE("time synchronisation moves the device clock", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    device.model.modify([](DeviceState& s) { s.clock_offset_seconds = -3600; });
    auto low = admin.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "");
    auto ta0 = element_text(low.body, "Ta0");
    CHECK(ta0 == std::to_string(device.world.now - 3600));
    auto args = [&](const std::string& t0) {
        return "<h:Ta0>" + t0 + "</h:Ta0><h:Tm1>" + std::to_string(device.world.now) +
               "</h:Tm1><h:Tm2>" + std::to_string(device.world.now) + "</h:Tm2>";
    };
    auto wrong =
        admin.invoke("AMT_TimeSynchronizationService", "SetHighAccuracyTimeSynch", args("5"));
    CHECK(element_text(wrong.body, "ReturnValue") == "36");
    auto set =
        admin.invoke("AMT_TimeSynchronizationService", "SetHighAccuracyTimeSynch", args(ta0));
    CHECK(element_text(set.body, "ReturnValue") == "0");
    CHECK(device.state().clock_offset_seconds == 0);
}

TEST_CASE("CIM_SoftwareIdentity reports the firmware version", "[unit][sim]") {
    Device device;
    auto admin = device.acm_admin();
    auto response = admin.get("CIM_SoftwareIdentity", {{"InstanceID", "AMT"}});
    CHECK(element_text(response.body, "VersionString") == "16.1.25");
    auto sku = admin.get("CIM_SoftwareIdentity", {{"InstanceID", "Sku"}});
    CHECK(element_text(sku.body, "VersionString") == "16392");
}

TEST_CASE("CCM Setup: checks, then the device is activated with the admin account", "[unit][sim]") {
    Device device;
    auto bad_type = device.lsa.invoke(
        "IPS_HostBasedSetupService", "Setup",
        "<h:NetAdminPassEncryptionType>1</h:NetAdminPassEncryptionType>"
        "<h:NetworkAdminPassword>0123456789abcdef0123456789abcdef</h:NetworkAdminPassword>");
    CHECK(element_text(bad_type.body, "ReturnValue") == "3");
    auto bad_hash =
        device.lsa.invoke("IPS_HostBasedSetupService", "Setup",
                          "<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>"
                          "<h:NetworkAdminPassword>P@ssw0rd!</h:NetworkAdminPassword>");
    CHECK(element_text(bad_hash.body, "ReturnValue") == "3");
    CHECK(device.state().control_mode == 0);
    auto admin = activate_ccm(device);
    CHECK(device.state().control_mode == 1);
    CHECK(device.state().provisioning_state == 2);
    auto hbs = admin.get("IPS_HostBasedSetupService").body;
    CHECK(element_text(hbs, "CurrentControlMode") == "1");
    CHECK(test::element_texts(hbs, "AllowedControlModes") == std::vector<std::string>{"2"});
    CHECK(element_text(admin.get("AMT_SetupAndConfigurationService").body, "ProvisioningMode") ==
          "4");
    CHECK(device.lsa.get("AMT_GeneralSettings").status == 401); // the LSA is gone
    auto again = admin.invoke(
        "IPS_HostBasedSetupService", "Setup",
        "<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>"
        "<h:NetworkAdminPassword>0123456789abcdef0123456789abcdef</h:NetworkAdminPassword>");
    CHECK(element_text(again.body, "ReturnValue") == "2");
}

TEST_CASE("TLS-enforced CCM stays in provisioning until CommitChanges", "[unit][sim]") {
    Device device;
    device.model.modify([](DeviceState& s) { s.tls_enforced = true; });
    auto admin = activate_ccm(device);
    CHECK(device.state().provisioning_state == 1);
    admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "");
    CHECK(device.state().provisioning_state == 2);
}

TEST_CASE("CommitChanges checks its prerequisites and commits nothing without them",
          "[unit][sim]") {
    Device device;
    device.model.modify([](DeviceState& s) { s.tls_enforced = true; });
    auto admin = activate_ccm(device);
    auto commit = [&] {
        return element_text(
            admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", "").body,
            "ReturnValue");
    };
    auto set_tls = [&](const char* property, bool tls_enforced) {
        device.model.modify([&](DeviceState& s) {
            s.tls_enforced = tls_enforced;
            s.wsman.classes["AMT_TLSSettingData"][0].set(property, "true");
        });
    };
    SECTION("TLS enabled needs a key and certificate: without a credential context only a "
            "TLS-enforced device has its own") {
        set_tls("Enabled", false);
        CHECK(commit() == "2057");
        CHECK(device.state().provisioning_state == 1);
        device.model.modify([](DeviceState& s) { s.tls_enforced = true; });
        CHECK(commit() == "0");
        CHECK(device.state().provisioning_state == 2);
    }
    SECTION("mutual authentication needs a trusted root (none was added)") {
        set_tls("MutualAuthentication", true);
        CHECK(commit() == "2057");
        CHECK(device.state().provisioning_state == 1);
    }
    SECTION("DHCP needs a host name") {
        device.model.modify([](DeviceState& s) { s.hostname.clear(); });
        CHECK(commit() == "2057");
        device.model.modify([](DeviceState& s) { s.lan.front().dhcp = false; });
        CHECK(commit() == "0");
        CHECK(device.state().provisioning_state == 2);
    }
}

TEST_CASE("SetAdminAclEntryEx changes the admin password; users can be added", "[unit][sim]") {
    Device device;
    auto admin = activate_ccm(device);
    auto digest = amtcfg::from_hex(digest_ha1("admin", device.state().realm, "N3w-P@ssword"));
    auto bad_user = admin.invoke("AMT_AuthorizationService", "SetAdminAclEntryEx",
                                 "<h:Username>root</h:Username><h:DigestPassword>" +
                                     base64_encode(digest) + "</h:DigestPassword>");
    CHECK(element_text(bad_user.body, "ReturnValue") == "12");
    auto changed = admin.invoke("AMT_AuthorizationService", "SetAdminAclEntryEx",
                                "<h:Username>admin</h:Username><h:DigestPassword>" +
                                    base64_encode(digest) + "</h:DigestPassword>");
    CHECK(element_text(changed.body, "ReturnValue") == "0");
    CHECK(admin.get("AMT_GeneralSettings").status == 401);
    DigestClient renewed(device.service, "admin", "N3w-P@ssword");
    CHECK(renewed.get("AMT_GeneralSettings").status == 200);
    auto user_digest = amtcfg::from_hex(digest_ha1("helpdesk", device.state().realm, "H3lp-desk!"));
    auto added = renewed.invoke("AMT_AuthorizationService", "AddUserAclEntryEx",
                                "<h:DigestUsername>helpdesk</h:DigestUsername><h:DigestPassword>" +
                                    base64_encode(user_digest) +
                                    "</h:DigestPassword><h:AccessPermission>2</h:AccessPermission>"
                                    "<h:Realms>3</h:Realms><h:Realms>4</h:Realms>");
    CHECK(element_text(added.body, "ReturnValue") == "0");
    REQUIRE(device.state().wsman.users.size() == 1);
    CHECK(device.state().wsman.users[0].realms == std::vector<std::string>{"3", "4"});
    CHECK(
        DigestClient(device.service, "helpdesk", "H3lp-desk!").get("AMT_GeneralSettings").status ==
        200);
}

TEST_CASE("SetMEBxPassword is ACM only; Unprovision returns to factory state", "[unit][sim]") {
    Device device;
    auto admin = activate_ccm(device);
    auto mebx = admin.invoke("AMT_SetupAndConfigurationService", "SetMEBxPassword",
                             "<h:Password>M3bx-P@ss</h:Password>");
    CHECK(element_text(mebx.body, "ReturnValue") == "16");
    admin.put("AMT_GeneralSettings", "<h:HostName>changed</h:HostName>");
    device.model.modify(
        [](DeviceState& s) { s.wsman.classes["IPS_OptInService"][0].set("OptInRequired", "1"); });
    auto bad_mode = admin.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                                 "<h:ProvisioningMode>4</h:ProvisioningMode>");
    CHECK(element_text(bad_mode.body, "ReturnValue") == "36");
    auto done = admin.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                             "<h:ProvisioningMode>1</h:ProvisioningMode>");
    CHECK(element_text(done.body, "ReturnValue") == "0");
    CHECK(device.state().control_mode == 0);
    CHECK(device.state().provisioning_state == 0);
    CHECK(device.state().wsman.admin_ha1.empty());
    CHECK(device.state().wsman.classes.at("IPS_OptInService")[0].get("OptInRequired") ==
          "4294967295");
    CHECK(admin.get("AMT_GeneralSettings").status == 401);
    CHECK(device.lsa.get("AMT_GeneralSettings").status == 200);
}

TEST_CASE("GetUuid sends the UUID bytes AMTHI sends", "[unit][sim]") {
    Device device;
    auto response = device.acm_admin().invoke("AMT_SetupAndConfigurationService", "GetUuid", "");
    auto wire = uuid_wire_bytes(default_device().uuid);
    CHECK(element_text(response.body, "UUID") == base64_encode(wire));
    CHECK(element_text(response.body, "ReturnValue") == "0");
}
