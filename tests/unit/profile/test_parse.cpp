// parse_profile: a full profile becomes the typed model; the examples parse; files load.
#include "amtcfg/profile/profile.hpp"
#include "support.hpp"

#include <fstream>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

const char* const k_full = R"(<?xml version="1.0"?>
<amtcfg-profile version="1" name="office-tls">
  <!-- comments are fine anywhere -->
  <activation mode="acm">
    <admin-password source="random"/>
    <mebx-password source="env:MEBX"/>
    <provisioning-certificate file="certs/prov.pfx" password-source="file:pfx.pw"/>
  </activation>
  <general hostname-sync="true" ping-response="false"/>
  <network dhcp="false" ip-sync="true"/>
  <redirection kvm="true" sol="false" ider="true" user-consent="none"/>
  <power-policy> s0-only </power-policy>
  <tls mode="mutual" allow-non-tls="true" trusted-root="/etc/ca.pem" trusted-cn="a.example.com, b">
    <issuer type="cmp" url="https://ca.example.com/cmp" reference="ref1" secret-source="env:CMP"/>
  </tls>
  <users>
    <user name="helpdesk" password-source="prompt" realms="redirection,hardware-asset"/>
    <user name="audit" password-source="stdin" realms="audit-log"/>
  </users>
  <maintenance clock-drift-max="2m" renew-certificate-days="30" rotate-password-days="90"/>
</amtcfg-profile>
)";

} // namespace

TEST_CASE("a full profile becomes the typed model", "[unit]") {
    Profile p = parse_profile(k_full, "/etc/amtcfg/office.xml");
    CHECK(p.name == "office-tls");
    CHECK(p.activation.mode == ActivationMode::acm);
    CHECK(p.activation.admin_password.source.kind == SecretSourceKind::random);
    CHECK(p.activation.admin_password.line == 5);
    REQUIRE(p.activation.mebx_password);
    CHECK(p.activation.mebx_password->source.location == "MEBX");
    REQUIRE(p.activation.provisioning_certificate);
    // Relative paths are taken from the profile's directory, in attributes and file: sources.
    CHECK(p.activation.provisioning_certificate->file == "/etc/amtcfg/certs/prov.pfx");
    CHECK(p.activation.provisioning_certificate->password.source.location == "/etc/amtcfg/pfx.pw");
    REQUIRE(p.general);
    CHECK(p.general->hostname_sync == true);
    CHECK(p.general->ping_response == false);
    CHECK(p.network->dhcp == false);
    CHECK(p.network->ip_sync == true);
    CHECK(p.redirection->sol == false);
    CHECK(p.redirection->user_consent == UserConsent::none);
    CHECK(p.power_policy == PowerPolicy::s0_only);
    REQUIRE(p.tls);
    CHECK(p.tls->mode == TlsMode::mutual);
    CHECK(p.tls->allow_non_tls);
    CHECK(p.tls->trusted_root == "/etc/ca.pem");
    CHECK(p.tls->trusted_cn == std::vector<std::string>{"a.example.com", "b"});
    CHECK(p.tls->issuer.type == IssuerType::cmp);
    CHECK(p.tls->issuer.url == "https://ca.example.com/cmp");
    CHECK(p.tls->issuer.reference == "ref1");
    REQUIRE(p.users.size() == 2);
    CHECK(p.users[0].name == "helpdesk");
    CHECK(p.users[0].realms == std::vector<Realm>{Realm::redirection, Realm::hardware_asset});
    CHECK(p.users[1].password.source.kind == SecretSourceKind::standard_input);
    CHECK(p.maintenance->clock_drift_max == std::chrono::minutes(2));
    CHECK(p.maintenance->renew_certificate_days == 30U);
    CHECK(p.maintenance->rotate_password_days == 90U);
    CHECK(p.where(7) == "/etc/amtcfg/office.xml:7");
}

TEST_CASE("absent sections and attributes stay unset, meaning leave the device alone", "[unit]") {
    Profile p = parse_profile(test::ccm_profile(""), "min.xml");
    CHECK(p.activation.mode == ActivationMode::ccm);
    CHECK_FALSE(p.general);
    CHECK_FALSE(p.tls);
    CHECK(p.users.empty());
    Profile q = parse_profile(test::ccm_profile("<general ping-response=\"true\"/>\n"), "q.xml");
    CHECK_FALSE(q.general->hostname_sync.has_value());
}

TEST_CASE("secrets_of lists every secret and needs_escrow spots generated ones", "[unit]") {
    Profile p = parse_profile(k_full, "office.xml");
    auto secrets = secrets_of(p);
    REQUIRE(secrets.size() == 6);
    CHECK(secrets[0].what == "admin password");
    CHECK(secrets[5].what == "password of user audit");
    CHECK(needs_escrow(p));
    CHECK_FALSE(needs_escrow(parse_profile(test::ccm_profile(""), "x.xml")));
}

TEST_CASE("the example profiles parse cleanly", "[unit]") {
    for (const char* name : {"ccm-basic.xml", "ccm-full.xml", "acm-tls.xml"}) {
        INFO(name);
        std::string path = std::string(AMTCFG_SOURCE_DIR "/examples/") + name;
        Profile p = load_profile(path, ParseOptions{EscrowTarget::given});
        CHECK(p.file_name == path);
    }
    Profile acm = load_profile(AMTCFG_SOURCE_DIR "/examples/acm-tls.xml");
    CHECK(acm.activation.mode == ActivationMode::acm);
    CHECK(acm.tls->issuer.type == IssuerType::file);
    CHECK(acm.tls->issuer.ca_certificate == AMTCFG_SOURCE_DIR "/examples/amt-ca.pem");
}

TEST_CASE("load_profile names a file it cannot read", "[unit]") {
    test::TempDir dir;
    REQUIRE_THROWS_WITH(load_profile(dir.file("missing.xml")),
                        Catch::Contains("cannot read the profile") &&
                            Catch::Contains("missing.xml"));
    REQUIRE_THROWS_WITH(load_profile(dir.path().string()), Catch::Contains("is a directory"));
    std::ofstream(dir.file("big.xml")) << std::string(k_max_profile_size + 10, ' ');
    REQUIRE_THROWS_WITH(load_profile(dir.file("big.xml")), Catch::Contains("more than"));
}

TEST_CASE("enum names round-trip through to_string", "[unit]") {
    CHECK(to_string(ActivationMode::acm) == "acm");
    CHECK(to_string(UserConsent::kvm) == "kvm");
    CHECK(to_string(PowerPolicy::always_on) == "always-on");
    CHECK(to_string(TlsMode::mutual) == "mutual");
    CHECK(to_string(IssuerType::scep) == "scep");
    CHECK(to_string(Realm::endpoint_access_control_admin) == "endpoint-access-control-admin");
}
