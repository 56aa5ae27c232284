// Certificate fields, fingerprints against the openssl CLI, and the ACM pre-flight checks.
#include "amtcfg/crypto/acm_checks.hpp"
#include "amtcfg/crypto/certificate.hpp"
#include "amtcfg/crypto/digest.hpp"
#include "amtcfg/util/error.hpp"
#include "test_certs.hpp"

using namespace amtcfg;
using namespace amtcfg::crypto;
using test::certs;
using namespace std::chrono;

namespace {

const Secret k_password("test-pfx-pw");

ProvisioningChain load(const std::string& name) {
    return load_pkcs12_file(certs().path(name), k_password);
}

// An injected "now" inside the leaf's validity period.
system_clock::time_point valid_time(const ProvisioningChain& chain) {
    return chain.leaf().not_before + hours(1);
}

system_clock::time_point utc(int year) {
    return system_clock::from_time_t(0) + days(static_cast<int>((year - 1970) * 365.2425));
}

} // namespace

TEST_CASE("fingerprints equal those of the openssl CLI", "[unit]") {
    for (const char* name : {"root", "root384", "leaf"}) {
        Bytes der = certs().bytes(std::string(name) + ".der");
        for (auto algorithm : {HashAlgorithm::sha1, HashAlgorithm::sha256, HashAlgorithm::sha384,
                               HashAlgorithm::sha512}) {
            std::string expected =
                certs().text(std::string(name) + "." + std::string(to_string(algorithm)));
            INFO(name << " " << to_string(algorithm));
            CHECK(to_hex(fingerprint(der, algorithm)) == expected);
        }
    }
}

TEST_CASE("parse_certificate reads the fields and refuses what is not DER", "[unit]") {
    Certificate leaf = parse_certificate(certs().bytes("leaf.der"), "leaf.der");
    CHECK(leaf.common_name == "prov.example.com");
    CHECK(leaf.subject == "O=amtcfg tests,CN=prov.example.com");
    CHECK(leaf.extended_key_usages ==
          std::vector<std::string>{"1.3.6.1.5.5.7.3.1", "2.16.840.1.113741.1.2.3"});
    CHECK(leaf.signature_digest == "sha256");
    CHECK(leaf.not_after - leaf.not_before == days(825));
    Bytes der = certs().bytes("leaf.der");
    der.push_back(0);
    CHECK_THROWS_WITH(parse_certificate(der, "x.der"),
                      "x.der is not a DER X.509 certificate (give the certificate itself, DER "
                      "encoded)");
    CHECK_THROWS_AS(parse_certificate(as_bytes("garbage"), "g"), Error);
}

TEST_CASE("the AMT setup OID or the Client Setup OU is required in the leaf", "[unit]") {
    CHECK(check_setup_usage(load("good.pfx").leaf()) == std::nullopt);
    CHECK(check_setup_usage(load("ou.pfx").leaf()) == std::nullopt);
    auto problem = check_setup_usage(load("noeku.pfx").leaf());
    REQUIRE(problem);
    CHECK(*problem == "the provisioning certificate \"O=amtcfg tests,CN=prov.example.com\" is not "
                      "an AMT setup certificate: its Extended Key Usage lacks "
                      "2.16.840.1.113741.1.2.3 and it has no OU \"Intel(R) Client Setup "
                      "Certificate\" (get a certificate issued with the Intel AMT provisioning "
                      "OID)");
    Certificate lower_ou = load("ou.pfx").leaf();
    lower_ou.organizational_units = {"intel(r) client setup certificate"}; // case matters
    CHECK(check_setup_usage(lower_ou).has_value());
}

TEST_CASE("the leaf CN must lie in AMT's DNS suffix", "[unit]") {
    Certificate leaf = load("good.pfx").leaf();
    for (const char* suffix : {"example.com", "EXAMPLE.com.", "prov.example.com"}) {
        INFO(suffix);
        CHECK(check_dns_suffix(leaf, suffix) == std::nullopt);
    }
    CHECK(check_dns_suffix(leaf, "other.org") ==
          "DNS suffix other.org does not match certificate CN prov.example.com (the CN must be in "
          "the AMT's DNS suffix: set the PKI DNS suffix in MEBx or DHCP option 15 to the "
          "certificate's domain, or use a certificate for a host in other.org)");
    CHECK(check_dns_suffix(leaf, "ample.com").has_value()); // only whole labels match
    CHECK(check_dns_suffix(leaf, "corp.example.com").has_value());
    CHECK_THAT(*check_dns_suffix(leaf, ""), Catch::StartsWith("this AMT has no DNS suffix"));
    CHECK(check_dns_suffix(load("wrongcn.pfx").leaf(), "example.com").has_value());
    Certificate wildcard = leaf;
    wildcard.common_name = "*.example.com";
    CHECK(check_dns_suffix(wildcard, "example.com") == std::nullopt);
}

TEST_CASE("validity is checked against the injected clock", "[unit]") {
    Certificate expired = load("expired.pfx").leaf();
    CHECK(check_validity(expired, utc(2020) + days(100)) == std::nullopt);
    CHECK(check_validity(expired, utc(2022)) ==
          "certificate \"O=amtcfg tests,CN=prov.example.com\" expired on 2021-01-01 00:00:00 UTC "
          "(renew it and export the PKCS#12 again)");
    CHECK_THAT(*check_validity(expired, utc(2019)), Catch::Contains("is not valid before "
                                                                    "2020-01-01 00:00:00 UTC"));
}

TEST_CASE("acm_preflight gathers every problem and warning", "[unit]") {
    ProvisioningChain good = load("good.pfx");
    auto report = acm_preflight(good, "example.com", valid_time(good));
    CHECK(report.ok());
    CHECK(report.warnings.empty());

    ProvisioningChain noeku = load("noeku.pfx");
    report = acm_preflight(noeku, "other.org", valid_time(noeku));
    REQUIRE(report.problems.size() == 2);
    CHECK_THAT(report.problems[0], Catch::Contains("not an AMT setup certificate"));
    CHECK_THAT(report.problems[1], Catch::StartsWith("DNS suffix other.org does not match"));

    ProvisioningChain expired = load("expired.pfx");
    report = acm_preflight(expired, "example.com", utc(2022));
    // The leaf expired in 2021; the CAs made today are not valid yet in 2022.
    REQUIRE(report.problems.size() == 3);
    CHECK_THAT(report.problems[0], Catch::Contains("CN=prov.example.com\" expired on 2021-01-01"));
    CHECK_THAT(report.problems[1], Catch::Contains("Intermediate CA\" is not valid before"));

    ProvisioningChain sha1 = load("sha1.pfx");
    report = acm_preflight(sha1, "example.com", valid_time(sha1));
    CHECK(report.ok());
    REQUIRE(report.warnings.size() == 1);
    CHECK_THAT(report.warnings[0], Catch::Contains("signed with SHA-1"));
}

TEST_CASE("digest passwords match MD5(admin:realm:password)", "[unit]") {
    // Reference values from Python's hashlib.
    const std::string realm = "Digest:A3829B3827DE4D33D4449B366831FD01";
    CHECK(network_admin_password(realm, Secret("P@ssw0rd")).reveal() ==
          "6654ceb9533dd0fd6d3e5a3c3e8499d7");
    CHECK(digest_password_base64("admin", realm, Secret("P@ssw0rd")).reveal() ==
          "ZlTOuVM90P1tPlo8PoSZ1w==");
}

TEST_CASE("the root must match an active trusted hash of AMT", "[unit]") {
    Certificate root = load("good.pfx").root();
    Bytes sha256 = from_hex(certs().text("root.sha256"));
    Bytes sha384 = from_hex(certs().text("root.sha384"));
    Bytes other = from_hex(certs().text("root384.sha256"));
    std::vector<TrustedRootHash> trusted{{"Other CA", "sha256", other, true},
                                         {"Test Root", "sha256", sha256, true}};
    CHECK(check_root_trusted(root, trusted) == std::nullopt);
    CHECK(check_root_trusted(root, {{"Test Root 384", "sha384", sha384, true}}) == std::nullopt);
    // The same bytes under another algorithm name do not match.
    CHECK(check_root_trusted(root, {{"Wrong", "sha384", sha256, true}}).has_value());

    CHECK(check_root_trusted(root, {{"Test Root", "sha256", sha256, false}}) ==
          "the provisioning root \"O=amtcfg tests,CN=amtcfg Test Root CA\" matches AMT's trusted "
          "hash \"Test Root\", but that hash is not active (activate it in MEBx)");
    CHECK(check_root_trusted(root, {{"Other CA", "sha256", other, true}}) ==
          "root hash " + certs().text("root.sha256") +
              " (sha256) of \"O=amtcfg tests,CN=amtcfg Test Root CA\" is not trusted by this AMT "
              "(it trusts: Other CA; add the hash in MEBx or by USB setup, or use a provisioning "
              "certificate from one of those CAs)");
}
