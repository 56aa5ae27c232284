// Golden envelopes and parsing for the activation/deactivation calls (reference/wsman.md 6-7).
#include "amtcfg/wsman/setup.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
const std::string k_put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
const std::string k_gs = "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings";
const std::string k_hbs = "http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService";
const std::string k_sacs =
    "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService";

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

const std::string k_general_instance =
    "<g:AMT_GeneralSettings><g:AMTNetworkEnabled>1</g:AMTNetworkEnabled>"
    "<g:DigestRealm>Digest:F3EB554784E729164447A89F60B641C5</g:DigestRealm>"
    "<g:DomainName></g:DomainName><g:ElementName>Intel(r) AMT: General Settings</g:ElementName>"
    "<g:HostName>old</g:HostName><g:InstanceID>Intel(r) AMT: General Settings</g:InstanceID>"
    "<g:PingResponseEnabled>false</g:PingResponseEnabled>"
    "<g:RmcpPingResponseEnabled>true</g:RmcpPingResponseEnabled>"
    "<g:SharedFQDN>true</g:SharedFQDN></g:AMT_GeneralSettings>";

} // namespace

TEST_CASE("AMT_GeneralSettings Get reads the realm and names", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_get + "Response", k_gs, k_general_instance));
    GeneralSettings s = get_general_settings(f.client);
    CHECK(f.http.posted[0] == expected_envelope(k_get, k_gs, "1", "", "<Body/>"));
    CHECK(s.digest_realm == "Digest:F3EB554784E729164447A89F60B641C5");
    CHECK(s.host_name == "old");
    CHECK(s.domain_name.empty());
    CHECK(s.instance_id == "Intel(r) AMT: General Settings");
    CHECK_FALSE(s.ping_response_enabled);
    CHECK(s.rmcp_ping_response_enabled);
    CHECK(s.amt_network_enabled == 1);
}

TEST_CASE("AMT_GeneralSettings Put sends the whole instance back with changes", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_get + "Response", k_gs, k_general_instance));
    GeneralSettings s = get_general_settings(f.client);
    s.host_name = "pc-42";
    s.domain_name = "example.com";
    s.ping_response_enabled = true;
    f.http.reply(200, amt_response(k_put + "Response", k_gs, k_general_instance));
    put_general_settings(f.client, s);
    CHECK(f.http.posted[1] == expected_envelope(k_put, k_gs, "2", "", R"(<Body>
            <h:AMT_GeneralSettings xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings">
              <h:AMTNetworkEnabled>1</h:AMTNetworkEnabled>
              <h:DigestRealm>Digest:F3EB554784E729164447A89F60B641C5</h:DigestRealm>
              <h:DomainName>example.com</h:DomainName>
              <h:ElementName>Intel(r) AMT: General Settings</h:ElementName>
              <h:HostName>pc-42</h:HostName>
              <h:InstanceID>Intel(r) AMT: General Settings</h:InstanceID>
              <h:PingResponseEnabled>true</h:PingResponseEnabled>
              <h:RmcpPingResponseEnabled>true</h:RmcpPingResponseEnabled>
              <h:SharedFQDN>true</h:SharedFQDN>
            </h:AMT_GeneralSettings>
          </Body>)"));
}

TEST_CASE("IPS_HostBasedSetupService Get reads modes, chain status and nonce", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_get + "Response", k_hbs,
                                   "<g:IPS_HostBasedSetupService>"
                                   "<g:AllowedControlModes>2</g:AllowedControlModes>"
                                   "<g:AllowedControlModes>1</g:AllowedControlModes>"
                                   "<g:CertChainStatus>0</g:CertChainStatus>"
                                   "<g:ConfigurationNonce>AAECAwQFBgcICQoLDA0ODxAREhM="
                                   "</g:ConfigurationNonce>"
                                   "<g:CurrentControlMode>0</g:CurrentControlMode>"
                                   "</g:IPS_HostBasedSetupService>"));
    HostBasedSetupService s = get_host_based_setup_service(f.client);
    CHECK(f.http.posted[0] == expected_envelope(k_get, k_hbs, "1", "", "<Body/>"));
    CHECK(s.allowed_control_modes == std::vector<std::uint32_t>{2, 1});
    CHECK(s.current_control_mode == 0);
    CHECK(s.configuration_nonce == "AAECAwQFBgcICQoLDA0ODxAREhM=");
}

TEST_CASE("Setup sends encryption type 2 and the hex A1 hash", "[unit]") {
    Fixture f;
    f.output(k_hbs, "Setup", "<g:ReturnValue>0</g:ReturnValue>");
    MethodResult r = setup(f.client, Secret("0123456789abcdef0123456789abcdef"));
    CHECK(r.ok());
    CHECK(f.http.posted[0] == expected_envelope(k_hbs + "/Setup", k_hbs, "1", "", R"(<Body>
            <h:Setup_INPUT xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService">
              <h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>
              <h:NetworkAdminPassword>0123456789abcdef0123456789abcdef</h:NetworkAdminPassword>
            </h:Setup_INPUT>
          </Body>)"));
}

TEST_CASE("AddNextCertInChain marks leaf and root", "[unit]") {
    Fixture f;
    f.output(k_hbs, "AddNextCertInChain", "<g:ReturnValue>0</g:ReturnValue>");
    f.output(k_hbs, "AddNextCertInChain", "<g:ReturnValue>4</g:ReturnValue>");
    CHECK(add_next_cert_in_chain(f.client, "TEVBRg==", ChainLink::leaf).ok());
    MethodResult root = add_next_cert_in_chain(f.client, "Uk9PVA==", ChainLink::root);
    CHECK(root.describe() == "4 (CertVerifyFailed)");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_hbs + "/AddNextCertInChain", k_hbs, "1", "", R"(<Body>
            <h:AddNextCertInChain_INPUT xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService">
              <h:NextCertificate>TEVBRg==</h:NextCertificate>
              <h:IsLeafCertificate>true</h:IsLeafCertificate>
              <h:IsRootCertificate>false</h:IsRootCertificate>
            </h:AddNextCertInChain_INPUT>
          </Body>)"));
    CHECK(f.http.posted[1].find("<h:IsLeafCertificate>false</h:IsLeafCertificate>"
                                "<h:IsRootCertificate>true</h:IsRootCertificate>") !=
          std::string::npos);
}

TEST_CASE("AdminSetup and UpgradeClientToAdmin sign with algorithm 2", "[unit]") {
    Fixture f;
    f.output(k_hbs, "AdminSetup", "<g:ReturnValue>5</g:ReturnValue>");
    f.output(k_hbs, "UpgradeClientToAdmin", "<g:ReturnValue>0</g:ReturnValue>");
    MethodResult admin = admin_setup(f.client, Secret("00112233445566778899aabbccddeeff"),
                                     "bm9uY2U=", "c2lnbmF0dXJl");
    CHECK(admin.describe() == "5 (AuthFailed)");
    CHECK(f.http.posted[0] == expected_envelope(k_hbs + "/AdminSetup", k_hbs, "1", "", R"(<Body>
            <h:AdminSetup_INPUT xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService">
              <h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType>
              <h:NetworkAdminPassword>00112233445566778899aabbccddeeff</h:NetworkAdminPassword>
              <h:McNonce>bm9uY2U=</h:McNonce>
              <h:SigningAlgorithm>2</h:SigningAlgorithm>
              <h:DigitalSignature>c2lnbmF0dXJl</h:DigitalSignature>
            </h:AdminSetup_INPUT>
          </Body>)"));
    CHECK(upgrade_client_to_admin(f.client, "bm9uY2U=", "c2lnbmF0dXJl").ok());
    CHECK(f.http.posted[1] ==
          expected_envelope(k_hbs + "/UpgradeClientToAdmin", k_hbs, "2", "", R"(<Body>
            <h:UpgradeClientToAdmin_INPUT xmlns:h="http://intel.com/wbem/wscim/1/ips-schema/1/IPS_HostBasedSetupService">
              <h:McNonce>bm9uY2U=</h:McNonce>
              <h:SigningAlgorithm>2</h:SigningAlgorithm>
              <h:DigitalSignature>c2lnbmF0dXJl</h:DigitalSignature>
            </h:UpgradeClientToAdmin_INPUT>
          </Body>)"));
}

TEST_CASE("AMT_SetupAndConfigurationService Get reads the provisioning state", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_get + "Response", k_sacs,
                                   "<g:AMT_SetupAndConfigurationService>"
                                   "<g:EnabledState>5</g:EnabledState>"
                                   "<g:PasswordModel>1</g:PasswordModel>"
                                   "<g:ProvisioningMode>4</g:ProvisioningMode>"
                                   "<g:ProvisioningState>2</g:ProvisioningState>"
                                   "</g:AMT_SetupAndConfigurationService>"));
    SetupAndConfigurationService s = get_setup_and_configuration_service(f.client);
    CHECK(f.http.posted[0] == expected_envelope(k_get, k_sacs, "1", "", "<Body/>"));
    CHECK(s.provisioning_mode == 4);
    CHECK(s.provisioning_state == 2);
    CHECK(s.password_model == 1);
}

TEST_CASE("Unprovision, PartialUnprovision and CommitChanges", "[unit]") {
    Fixture f;
    f.output(k_sacs, "Unprovision", "<g:ReturnValue>2076</g:ReturnValue>");
    f.output(k_sacs, "PartialUnprovision", "<g:ReturnValue>0</g:ReturnValue>");
    f.output(k_sacs, "CommitChanges", "<g:ReturnValue>2057</g:ReturnValue>");
    CHECK(unprovision(f.client).describe() == "2076 (BLOCKING_COMPONENT)");
    CHECK(partial_unprovision(f.client).ok());
    CHECK(commit_changes(f.client).describe() == "2057 (DATA_MISSING)");
    std::string ns =
        R"( xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService")";
    CHECK(f.http.posted[0] == expected_envelope(k_sacs + "/Unprovision", k_sacs, "1", "",
                                                "<Body><h:Unprovision_INPUT" + ns +
                                                    "><h:ProvisioningMode>1</h:ProvisioningMode>"
                                                    "</h:Unprovision_INPUT></Body>"));
    CHECK(f.http.posted[1] ==
          expected_envelope(k_sacs + "/PartialUnprovision", k_sacs, "2", "",
                            "<Body><h:PartialUnprovision_INPUT" + ns + "/></Body>"));
    CHECK(f.http.posted[2] == expected_envelope(k_sacs + "/CommitChanges", k_sacs, "3", "",
                                                "<Body><h:CommitChanges_INPUT" + ns + "/></Body>"));
}

TEST_CASE("SetMEBxPassword sends the password and GetUuid reads the UUID", "[unit]") {
    Fixture f;
    f.output(k_sacs, "SetMEBxPassword", "<g:ReturnValue>16</g:ReturnValue>");
    f.output(k_sacs, "GetUuid",
             "<g:UUID>jIoKWKx7EeeAAKi5qgmHmw==</g:UUID><g:ReturnValue>0</g:ReturnValue>");
    CHECK(set_mebx_password(f.client, Secret("Mebx-Pa55!")).describe() == "16 (NOT_PERMITTED)");
    CHECK(f.http.posted[0] ==
          expected_envelope(k_sacs + "/SetMEBxPassword", k_sacs, "1", "", R"(<Body>
            <h:SetMEBxPassword_INPUT xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_SetupAndConfigurationService">
              <h:Password>Mebx-Pa55!</h:Password>
            </h:SetMEBxPassword_INPUT>
          </Body>)"));
    UuidResult uuid = get_uuid(f.client);
    CHECK(uuid.result.ok());
    CHECK(uuid.uuid == "jIoKWKx7EeeAAKi5qgmHmw==");
}

TEST_CASE("a malformed property names the class and property", "[unit]") {
    Fixture f;
    f.http.reply(200, amt_response(k_get + "Response", k_hbs,
                                   "<g:IPS_HostBasedSetupService><g:CurrentControlMode>two"
                                   "</g:CurrentControlMode></g:IPS_HostBasedSetupService>"));
    CHECK_THROWS_WITH(get_host_based_setup_service(f.client),
                      "AMT sent IPS_HostBasedSetupService.CurrentControlMode = 'two', which is "
                      "not a number");
}
