// <tls> names and the <issuer> types: scep's ca-fingerprint, exec's command and trusted-ca.
#include "amtcfg/profile/profile.hpp"
#include "support.hpp"

using namespace amtcfg;
using namespace amtcfg::profile;
using test::ccm_profile;
using test::parse_error;

namespace {

Profile parse_tls(const std::string& tls) {
    return parse_profile(ccm_profile(tls), "/etc/amtcfg/office.xml");
}

const std::string k_scep = "<issuer type=\"scep\" url=\"http://ca/scep\"/>";

} // namespace

TEST_CASE("tls names: given, or empty for the flow to fill", "[unit]") {
    auto given = parse_tls("<tls mode=\"server\" common-name=\"ws01.corp.example\" "
                           "dns-names=\"ws01.corp.example, ws01\">" +
                           k_scep + "</tls>\n");
    CHECK(given.tls->common_name == "ws01.corp.example");
    CHECK(given.tls->dns_names == std::vector<std::string>{"ws01.corp.example", "ws01"});
    auto absent = parse_tls("<tls mode=\"server\">" + k_scep + "</tls>\n");
    CHECK(absent.tls->common_name.empty());
    CHECK(absent.tls->dns_names.empty());
}

TEST_CASE("tls names: bad values name the line", "[unit]") {
    CHECK(parse_error(
              ccm_profile("<tls mode=\"server\"\n common-name=\"\">" + k_scep + "</tls>\n")) ==
          "office.xml:4: invalid common-name=\"\" on <tls> (expected 1 to 64 characters "
          "without control characters)");
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\" common-name=\"" +
                                       std::string(65, 'a') + "\">" + k_scep + "</tls>\n")),
               Catch::StartsWith("office.xml:3: invalid common-name=\"aaaa"));
    for (const char* bad :
         {"a..b", "-a.example", "a_b", "a b", ",", "a.example,", "x*.example", "a-.example"}) {
        CAPTURE(bad);
        CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\" dns-names=\"" + std::string(bad) +
                                           "\">" + k_scep + "</tls>\n")),
                   Catch::StartsWith("office.xml:3: invalid DNS name") &&
                       Catch::Contains("in dns-names on <tls>"));
    }
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\" dns-names=\"" + std::string(64, 'a') +
                                       ".example\">" + k_scep + "</tls>\n")),
               Catch::StartsWith("office.xml:3: invalid DNS name"));
    CHECK(parse_error(ccm_profile("<tls mode=\"server\" dns-names=\"a.example,A.example\">" +
                                  k_scep + "</tls>\n")) ==
          "office.xml:3: DNS name \"A.example\" is listed twice in dns-names on <tls>");
}

TEST_CASE("scep: ca-fingerprint pins the CA certificate", "[unit]") {
    const std::string hex = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
    auto plain = parse_tls("<tls mode=\"server\"><issuer type=\"scep\" url=\"http://ca/scep\" "
                           "ca-fingerprint=\"sha256:" +
                           hex + "\"/></tls>\n");
    CHECK(to_hex(plain.tls->issuer.ca_fingerprint) ==
          "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    std::string colons;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        colons += (i == 0 ? "" : ":") + hex.substr(i, 2);
    }
    auto separated = parse_tls("<tls mode=\"server\"><issuer type=\"scep\" url=\"http://ca/scep\" "
                               "ca-fingerprint=\"sha256:" +
                               colons + "\"/></tls>\n");
    CHECK(separated.tls->issuer.ca_fingerprint == plain.tls->issuer.ca_fingerprint);
    CHECK(parse_tls("<tls mode=\"server\">" + k_scep + "</tls>\n")
              .tls->issuer.ca_fingerprint.empty());
    for (const std::string& bad : {"sha1:" + hex, hex, "sha256:" + hex.substr(2),
                                   "sha256:" + hex + "00", "sha256:" + hex.substr(1) + "g"}) {
        CAPTURE(bad);
        CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\">\n<issuer type=\"scep\" "
                                           "url=\"http://ca/scep\" ca-fingerprint=\"" +
                                           bad + "\"/></tls>\n")),
                   Catch::StartsWith("office.xml:4: invalid ca-fingerprint=\"") &&
                       Catch::EndsWith("(expected sha256: and the 64 hex digits of the CA "
                                       "certificate's SHA-256 fingerprint)"));
    }
    // Only scep pins a CA certificate this way.
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"cmp\" url=\"http://c\" "
                                       "ca-fingerprint=\"sha256:" +
                                       hex + "\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: unknown attribute \"ca-fingerprint\""));
}

TEST_CASE("exec: a command and an optional trusted-ca", "[unit]") {
    auto p = parse_tls("<tls mode=\"server\"><issuer type=\"exec\" "
                       "command=\"/usr/lib/certmonger/scep-submit -u http://ca\" "
                       "trusted-ca=\"ca.pem\"/></tls>\n");
    CHECK(p.tls->issuer.type == IssuerType::exec);
    CHECK(p.tls->issuer.command == "/usr/lib/certmonger/scep-submit -u http://ca");
    CHECK(p.tls->issuer.trusted_ca == "/etc/amtcfg/ca.pem");
    CHECK(to_string(IssuerType::exec) == "exec");
    auto no_ca = parse_tls("<tls mode=\"server\"><issuer type=\"exec\" command=\"x\"/></tls>\n");
    CHECK(no_ca.tls->issuer.trusted_ca.empty());

    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"exec\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: <issuer> needs the attribute command"));
    CHECK(parse_error(ccm_profile("<tls mode=\"server\">\n<issuer type=\"exec\" command=\"  \"/>"
                                  "</tls>\n")) ==
          "office.xml:4: invalid command on <issuer> (expected a shell command line of at most "
          "4096 characters without control characters)");
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"exec\" "
                                       "command=\"a&#10;b\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: invalid command on <issuer>"));
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"exec\" command=\"" +
                                       std::string(4097, 'a') + "\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: invalid command on <issuer>"));
    CHECK(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"exec\" command=\"x\" "
                                  "url=\"http://ca\"/></tls>\n")) ==
          "office.xml:3: unknown attribute \"url\" on <issuer> (expected type, command, "
          "trusted-ca)");
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"shell\"/></tls>\n")),
               Catch::Contains("(expected file, scep, cmp, exec)"));
}

TEST_CASE("issuer urls with spaces or control characters are refused", "[unit]") {
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"scep\" "
                                       "url=\"http://ca/a b\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: invalid url=\"http://ca/a b\" on <issuer>"));
}
