// amtcfg's WS-Man client (src/wsman) against the simulator's WS-Man service, in process.
#include "amtcfg/crypto/digest.hpp"
#include "amtcfg/wsman/features.hpp"
#include "amtcfg/wsman/maintenance.hpp"
#include "amtcfg/wsman/power.hpp"
#include "amtcfg/wsman/schema.hpp"
#include "amtcfg/wsman/setup.hpp"
#include "amtcfg/wsman/tls.hpp"
#include "pki.hpp"
#include "support.hpp"
#include "wsman/service.hpp"

#include <catch2/catch.hpp>

#include <memory>

namespace wsman = amtcfg::wsman;
namespace sim = amtcfg::sim;
using amtcfg::Error;
using amtcfg::ErrorCategory;
using amtcfg::Secret;

namespace {

// The http::Client seam over the simulator's test digest client: the 401 challenge and digest
// retry happen inside DigestClient, as they will inside the real transport.
class SimHttp : public amtcfg::http::Client {
public:
    SimHttp(sim::WsmanService& service, std::string user, std::string password)
        : m_digest(service, std::move(user), std::move(password)) {}

    amtcfg::http::Response post(const std::string&, const std::string& body) override {
        auto r = m_digest.post(body);
        return {r.status, r.headers["content-type"], r.body};
    }

private:
    sim::test::DigestClient m_digest;
};

struct Fixture {
    sim::test::FakeWorld world;
    sim::DeviceModel model{sim::default_device()};
    sim::WsmanFaults faults;
    std::unique_ptr<sim::WsmanService> service;
    amtcfg::Log log;
    std::unique_ptr<SimHttp> http;
    std::unique_ptr<wsman::Client> client;

    wsman::Client& as(std::string user, std::string password) {
        if (!service) {
            service = std::make_unique<sim::WsmanService>(model, faults, world.environment());
        }
        http = std::make_unique<SimHttp>(*service, std::move(user), std::move(password));
        client = std::make_unique<wsman::Client>(*http, log);
        return *client;
    }
    wsman::Client& as_lsa() {
        auto device = model.snapshot();
        return as(device.lsa_username, device.lsa_password);
    }

    // CCM activation as DESIGN/reference 7.1 describe it; returns the new admin password.
    std::string activate_ccm() {
        auto& lsa = as_lsa();
        auto settings = wsman::get_general_settings(lsa);
        Secret password("P@ssw0rd-Sim1");
        auto result = wsman::setup(
            lsa, amtcfg::crypto::network_admin_password(settings.digest_realm, password));
        REQUIRE(result.describe() == "0 (Success)");
        return password.reveal();
    }
};

} // namespace

TEST_CASE("client reads GeneralSettings and the setup services as the LSA", "[sim]") {
    Fixture f;
    auto& c = f.as_lsa();
    auto settings = wsman::get_general_settings(c);
    CHECK(settings.digest_realm == f.model.snapshot().realm);
    CHECK(settings.host_name == "simhost");
    auto hbs = wsman::get_host_based_setup_service(c);
    CHECK(hbs.current_control_mode == 0);
    CHECK_FALSE(hbs.allowed_control_modes.empty());
    // Nothing else before activation (wsman.md section 7): AMT refuses it.
    CHECK_THROWS_WITH(wsman::get_setup_and_configuration_service(c),
                      Catch::Contains("AccessDenied"));
}

TEST_CASE("client activates CCM and then works as admin", "[sim]") {
    Fixture f;
    std::string password = f.activate_ccm();
    auto& admin = f.as("admin", password);
    CHECK(wsman::get_host_based_setup_service(admin).current_control_mode == 1);
    CHECK(wsman::get_setup_and_configuration_service(admin).provisioning_state == 2);
    // Setup carries only the digest of the password, so the device keeps no plain copy.
    CHECK(f.model.snapshot().control_mode == 1);
}

TEST_CASE("client's GeneralSettings Put round trip changes the host name", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    auto settings = wsman::get_general_settings(admin);
    settings.host_name = "pc-42";
    settings.domain_name = "example.com";
    auto answered = wsman::put_general_settings(admin, settings);
    CHECK(answered.host_name == "pc-42");
    auto again = wsman::get_general_settings(admin);
    CHECK(again.host_name == "pc-42");
    CHECK(again.domain_name == "example.com");
    CHECK(again.digest_realm == settings.digest_realm);
}

TEST_CASE("client enumerates Ethernet ports and puts DHCP", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    auto ports = wsman::enumerate_ethernet_port_settings(admin);
    REQUIRE_FALSE(ports.empty());
    CHECK(ports[0].instance_id == "Intel(r) AMT Ethernet Port Settings 0");
    auto port = ports[0];
    port.dhcp_enabled = true;
    port.ip_sync_enabled = true;
    port.shared_static_ip = false;
    auto answered = wsman::put_ethernet_port_settings(admin, port);
    CHECK(answered.dhcp_enabled);
    CHECK(answered.ip_sync_enabled);
}

TEST_CASE("client synchronises AMT's clock", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    auto t = wsman::get_low_accuracy_time_synch(admin);
    REQUIRE(t.result.ok());
    CHECK(wsman::set_high_accuracy_time_synch(admin, t.ta0, 1'700'000'100U, 1'700'000'100U).ok());
}

TEST_CASE("client reads the AMT version from CIM_SoftwareIdentity", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    CHECK(wsman::amt_version(wsman::enumerate_software_identity(admin)) ==
          f.model.snapshot().amt_version);
}

TEST_CASE("client configures redirection, KVM and user consent", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    CHECK(
        wsman::request_redirection_state_change(admin, wsman::RedirectionState::ider_and_sol).ok());
    auto redirection = wsman::get_redirection_service(admin);
    CHECK(redirection.enabled_state == 32771);
    redirection.listener_enabled = true;
    CHECK(wsman::put_redirection_service(admin, redirection).listener_enabled);
    CHECK(wsman::request_kvm_state_change(admin, wsman::KvmState::enabled).ok());
    auto kvm = wsman::get_kvm_redirection_setting_data(admin);
    wsman::put_kvm_redirection_setting_data(admin, kvm);
    auto opt_in = wsman::get_opt_in_service(admin);
    opt_in.opt_in_required = wsman::k_opt_in_all;
    CHECK(wsman::put_opt_in_service(admin, opt_in).opt_in_required == wsman::k_opt_in_all);
}

TEST_CASE("client changes the admin password with SetAdminAclEntryEx", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    auto realm = wsman::get_general_settings(admin).digest_realm;
    Secret next("N3w-P@ssword!");
    auto result = wsman::set_admin_acl_entry_ex(
        admin, "admin", amtcfg::crypto::digest_password_base64("admin", realm, next));
    CHECK(result.ok());
    auto& again = f.as("admin", next.reveal());
    CHECK(wsman::get_host_based_setup_service(again).current_control_mode == 1);
}

TEST_CASE("client unprovisions as admin", "[sim]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    CHECK(wsman::unprovision(admin).ok());
    CHECK(f.model.snapshot().control_mode == 0);
}

TEST_CASE("a wrong password is auth_failed; injected faults and return values map", "[sim]") {
    Fixture f;
    f.faults.soap_fault.insert("AMT_GeneralSettings.Get");
    f.faults.return_value.insert("Setup", 2);
    auto& wrong = f.as("admin", "not-the-password");
    try {
        wsman::get_host_based_setup_service(wrong);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::auth_failed);
        CHECK_THAT(e.what(), Catch::StartsWith("AMT rejected the credentials"));
    }
    auto& lsa = f.as_lsa();
    CHECK_THROWS_WITH(wsman::get_general_settings(lsa),
                      Catch::Contains("AMT_GeneralSettings Get with the SOAP fault"));
    auto result = wsman::setup(lsa, Secret("0123456789abcdef0123456789abcdef"));
    CHECK(result.describe() == "2 (InvalidState)");
}

TEST_CASE("client reads the power packages and makes another one current as admin", "[sim]") {
    Fixture f;
    // Only the admin account may read or change it: before activation there is none.
    auto& lsa = f.as_lsa();
    try {
        wsman::enumerate_power_schemes(lsa);
        FAIL("the local system account read the power schemes");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::auth_failed);
    }

    auto& admin = f.as("admin", f.activate_ccm());
    auto schemes = wsman::enumerate_power_schemes(admin);
    REQUIRE(schemes.size() == 2);
    CHECK(schemes[0].description == "Desktop: ON in S0");
    CHECK(schemes[1].description == "Desktop: ON in S0, ME Wake in S3, S4-5");
    CHECK(schemes[1].scheme_guid == "cyJzRiPcQy+pihPTeYLYVQ==");
    CHECK(wsman::current_power_scheme(admin) == schemes[0].instance_id);
    CHECK(wsman::set_power_scheme(admin, schemes[1].instance_id).ok());
    CHECK(wsman::current_power_scheme(admin) == schemes[1].instance_id);
    CHECK(f.model.snapshot().wsman.current_power_scheme == schemes[1].instance_id);

    // A wrong or absent InstanceID selector is AMT's bad-selector fault, and nothing changes.
    auto uri = wsman::class_uri("AMT_SystemPowerScheme");
    CHECK_THROWS_WITH(wsman::set_power_scheme(admin, "Intel(r) AMT Power Scheme 9"),
                      Catch::Contains("InvalidSelectors"));
    CHECK_THROWS_WITH(admin.invoke(uri, "SetPowerScheme", {}), Catch::Contains("InvalidSelectors"));
    CHECK(wsman::current_power_scheme(admin) == schemes[1].instance_id);
}

TEST_CASE("client reads the user ACL across pages and by handle, and updates realms", "[sim]") {
    Fixture f;
    f.model.modify([](sim::DeviceState& s) { s.wsman.user_acl_page_size = 3; });
    auto& admin = f.as("admin", f.activate_ccm());
    auto realm = wsman::get_general_settings(admin).digest_realm;
    std::vector<std::uint32_t> handles;
    for (int i = 1; i <= 7; ++i) {
        std::string name = "user" + std::to_string(i);
        auto added = wsman::add_user_acl_entry_ex(
            admin, name, amtcfg::crypto::digest_password_base64(name, realm, Secret("Us3r-P@ss")),
            wsman::AccessPermission::network, {2, 4});
        REQUIRE(added.result.ok());
        handles.push_back(added.handle);
    }
    REQUIRE(wsman::remove_user_acl_entry(admin, handles.front()).ok());
    handles.erase(handles.begin());

    auto listed = wsman::enumerate_user_acl_entries(admin);
    REQUIRE(listed.result.ok());
    CHECK(listed.handles == handles);
    auto entry = wsman::get_user_acl_entry_ex(admin, handles.back());
    CHECK(entry.username == "user7");
    CHECK(entry.access_permission == 1);
    CHECK(entry.realms == std::vector<std::uint32_t>{2, 4});
    CHECK(wsman::get_user_acl_entry_ex(admin, handles.front() - 1).result.describe() ==
          "2053 (INVALID_HANDLE)");

    REQUIRE(wsman::update_user_acl_entry_ex(admin, handles.back(), "user7",
                                            wsman::AccessPermission::any, {3})
                .ok());
    auto updated = wsman::get_user_acl_entry_ex(admin, handles.back());
    CHECK(updated.access_permission == 2);
    CHECK(updated.realms == std::vector<std::uint32_t>{3});
}

TEST_CASE("client configures TLS through AMT's certificate store (wsman.md section 8)",
          "[sim][certs]") {
    Fixture f;
    auto& admin = f.as("admin", f.activate_ccm());
    sim::test::TestCa ca;
    auto key = wsman::generate_key_pair(admin, 2048);
    REQUIRE(key.result.ok());
    CHECK(key.instance_id.starts_with("Intel(r) AMT Key: Handle: "));
    std::string der_key;
    for (const auto& pair : wsman::enumerate_public_private_key_pairs(admin)) {
        if (pair.instance_id == key.instance_id) {
            der_key = pair.der_key;
        }
    }
    REQUIRE_FALSE(der_key.empty());
    auto request = wsman::generate_pkcs10_request_ex(
        admin, key.instance_id, sim::test::null_signed_request(der_key, "amt.sim.example"),
        wsman::CsrSigning::sha256_rsa);
    REQUIRE(request.result.ok());
    auto certificate = ca.issue_for_request(request.signed_certificate_request);
    REQUIRE_FALSE(certificate.empty()); // AMT's signature is a valid proof of possession
    auto added = wsman::add_certificate(admin, certificate);
    REQUIRE(added.result.ok());
    CHECK(added.instance_id.starts_with("Intel(r) AMT Certificate: Handle: "));
    auto root = wsman::add_trusted_root_certificate(admin, ca.certificate_base64());
    REQUIRE(root.result.ok());
    auto certificates = wsman::enumerate_public_key_certificates(admin);
    REQUIRE(certificates.size() == 2);
    for (const auto& cert : certificates) {
        CHECK(cert.trusted_root == (cert.instance_id == root.instance_id));
        CHECK(cert.subject == (cert.trusted_root ? "CN=Sim Test CA" : "CN=amt.sim.example"));
    }
    CHECK(wsman::create_tls_credential_context(admin, added.instance_id) ==
          wsman::CreateOutcome::created);
    CHECK(wsman::create_tls_credential_context(admin, added.instance_id) ==
          wsman::CreateOutcome::already_existed);
    for (auto settings : wsman::enumerate_tls_setting_data(admin)) {
        settings.enabled = true;
        auto answered = wsman::put_tls_setting_data(admin, settings);
        CHECK(answered.enabled);
    }
    CHECK(wsman::commit_changes(admin).ok());
    auto committed = f.model.snapshot().wsman.certificates.committed;
    CHECK(committed.remote_enabled);
    CHECK(committed.local_enabled);
    CHECK(committed.certificate_base64 == certificate);
    // The certificate in use stays; the root can go.
    CHECK_THROWS_WITH(wsman::delete_public_key_certificate(admin, added.instance_id),
                      Catch::Contains("InvalidParameter"));
    wsman::delete_public_key_certificate(admin, root.instance_id);
    CHECK(wsman::enumerate_public_key_certificates(admin).size() == 1);
}
