// Every kind of bad profile is refused with "file:line: problem (expected ...)" and exit code 3.
#include "amtcfg/profile/profile.hpp"
#include "support.hpp"

using namespace amtcfg;
using namespace amtcfg::profile;
using test::ccm_profile;
using test::parse_error;

namespace {

std::string acm_profile(const std::string& activation_body, const std::string& rest = "") {
    return "<amtcfg-profile version=\"1\">\n"
           "  <activation mode=\"acm\">\n"
           "    <admin-password source=\"env:PW\"/>\n" +
           activation_body + "  </activation>\n" + rest + "</amtcfg-profile>\n";
}

const std::string k_certificate =
    "    <provisioning-certificate file=\"p.pfx\" password-source=\"env:PFX\"/>\n";

} // namespace

TEST_CASE("unknown attributes name the line, the element and what is expected", "[unit]") {
    CHECK(parse_error(ccm_profile("\n\n\n\n<redirection kvmm=\"true\"/>\n")) ==
          "office.xml:7: unknown attribute \"kvmm\" on <redirection> (expected kvm, sol, ider, "
          "user-consent)");
    // An attribute on a later line of a multi-line tag is reported on its own line.
    CHECK(parse_error(ccm_profile("<general\n   hostname-sync=\"true\"\n   pong=\"1\"/>\n")) ==
          "office.xml:5: unknown attribute \"pong\" on <general> (expected hostname-sync, "
          "ping-response)");
    CHECK(parse_error(ccm_profile("<users colour=\"red\"/>\n")) ==
          "office.xml:3: unknown attribute \"colour\" on <users> (no attributes)");
}

TEST_CASE("unknown, repeated and misplaced elements are refused", "[unit]") {
    CHECK(parse_error(ccm_profile("<wifi/>\n")) ==
          "office.xml:3: unknown element <wifi> inside <amtcfg-profile> (expected activation, "
          "general, network, redirection, power-policy, tls, users, maintenance)");
    CHECK(parse_error(ccm_profile("<general/>\n<general/>\n")) ==
          "office.xml:4: <general> appears more than once inside <amtcfg-profile> (give it once)");
    CHECK(parse_error(ccm_profile("<general>yes</general>\n")) ==
          "office.xml:3: unexpected text inside <general> (expected an empty element)");
    CHECK(parse_error("<profile version=\"1\"/>") ==
          "office.xml:1: the root element is <profile> (expected <amtcfg-profile "
          "version=\"1\">)");
    CHECK(parse_error("<amtcfg-profile version=\"1\"/>") ==
          "office.xml:1: the profile has no <activation> section (expected <activation "
          "mode=\"ccm|acm\"> with an <admin-password>)");
    CHECK(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\"/>\n"
                      "</amtcfg-profile>") ==
          "office.xml:2: <activation> needs an <admin-password source=\"...\"/> (the password "
          "amtcfg sets for the AMT admin user)");
}

TEST_CASE("malformed XML, DTDs and versions are refused with the line", "[unit]") {
    CHECK_THAT(parse_error("<amtcfg-profile version=\"1\">\n<general>\n</amtcfg-profile>"),
               Catch::StartsWith("office.xml:3: the profile is not well-formed XML: "));
    CHECK_THAT(parse_error(""), Catch::StartsWith("office.xml:1: the profile is not well-formed"));
    CHECK_THAT(parse_error("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                           "<amtcfg-profile version=\"1\">&e;</amtcfg-profile>"),
               Catch::StartsWith("office.xml:"));
    CHECK(parse_error("<amtcfg-profile version=\"2\"/>") ==
          "office.xml:1: unsupported profile version \"2\" (this amtcfg reads version 1)");
    CHECK(parse_error("<amtcfg-profile version=\"2\"><new-section/></amtcfg-profile>") ==
          "office.xml:1: unsupported profile version \"2\" (this amtcfg reads version 1)");
    CHECK(parse_error(ccm_profile("") + "<extra/>\n") ==
          "office.xml:4: a second top-level element <extra> (a profile is one <amtcfg-profile> "
          "element)");
    CHECK_THAT(parse_error(ccm_profile("") + "trailing text\n"),
               Catch::StartsWith("office.xml:4: text outside <amtcfg-profile>"));
    CHECK_NOTHROW(parse_profile(ccm_profile("") + "<!-- a comment -->\n", "office.xml"));
    CHECK(parse_error("<amtcfg-profile/>") ==
          "office.xml:1: <amtcfg-profile> needs the attribute version (1)");
    CHECK(parse_error("<amtcfg-profile version=\"1\" version=\"1\"/>").find("office.xml:1:") == 0);
}

TEST_CASE("bad values say what is expected", "[unit]") {
    CHECK(parse_error(ccm_profile("<general hostname-sync=\"yes\"/>\n")) ==
          "office.xml:3: invalid hostname-sync=\"yes\" on <general> (expected true or false)");
    CHECK(parse_error(ccm_profile("<redirection user-consent=\"some\"/>\n")) ==
          "office.xml:3: invalid user-consent=\"some\" on <redirection> (expected none, kvm, "
          "all)");
    CHECK(parse_error(ccm_profile("<power-policy>sometimes</power-policy>\n")) ==
          "office.xml:3: invalid power policy \"sometimes\" (expected s0-only, always-on)");
    CHECK(parse_error(ccm_profile("<maintenance clock-drift-max=\"soon\"/>\n")) ==
          "office.xml:3: invalid clock-drift-max=\"soon\" on <maintenance> (expected a duration "
          "such as 60s, 5m or 1h)");
    CHECK(parse_error(ccm_profile("<maintenance rotate-password-days=\"-1\"/>\n")) ==
          "office.xml:3: invalid rotate-password-days=\"-1\" on <maintenance> (expected a whole "
          "number from 0 to 3650)");
    CHECK(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"cmm\">\n") !=
          ""); // not well-formed, still reported
    CHECK(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"cmm\"/>\n"
                      "</amtcfg-profile>") ==
          "office.xml:2: invalid mode=\"cmm\" on <activation> (expected ccm, acm)");
}

TEST_CASE("secret sources must be sources, never the password itself", "[unit]") {
    std::string message =
        parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                    "<admin-password source=\"P@ssw0rd!\"/></activation></amtcfg-profile>");
    CHECK_THAT(message, Catch::StartsWith("office.xml:3: source on <admin-password> is not a "
                                          "secret source (expected env:NAME, file:PATH, stdin, "
                                          "prompt or random)"));
    CHECK(message.find("P@ssw0rd!") == std::string::npos);
    CHECK(parse_error(acm_profile("    <provisioning-certificate file=\"p.pfx\" "
                                  "password-source=\"random\"/>\n")) ==
          "office.xml:4: password-source=\"random\" on <provisioning-certificate> cannot work: "
          "this secret unlocks something that already exists, so it cannot be generated "
          "(expected env:NAME, file:PATH, stdin or prompt)");
    CHECK_THAT(parse_error(ccm_profile("<users><user name=\"a\" password-source=\"env:\" "
                                       "realms=\"redirection\"/></users>\n")),
               Catch::StartsWith("office.xml:3: password-source=\"env:\" on <user> names no "
                                 "variable"));
}

TEST_CASE("missing required secrets are refused", "[unit]") {
    CHECK(parse_error(acm_profile("    <provisioning-certificate file=\"p.pfx\"/>\n")) ==
          "office.xml:4: <provisioning-certificate> needs the attribute password-source (a "
          "secret source such as env:NAME or file:PATH)");
    CHECK(parse_error(ccm_profile("<users><user name=\"a\" realms=\"redirection\"/></users>\n")) ==
          "office.xml:3: <user> needs the attribute password-source (a secret source such as "
          "env:NAME or file:PATH)");
    CHECK(parse_error(ccm_profile("<tls mode=\"server\"/>\n")) ==
          "office.xml:3: <tls> needs an <issuer type=\"file|scep|cmp|exec\" .../> (where AMT's "
          "TLS certificate comes from)");
}

TEST_CASE("ccm and acm settings that do not go together are refused", "[unit]") {
    CHECK_THAT(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                           "<admin-password source=\"env:PW\"/>\n"
                           "<mebx-password source=\"env:M\"/>\n</activation></amtcfg-profile>"),
               Catch::StartsWith("office.xml:4: <mebx-password> needs mode=\"acm\""));
    CHECK_THAT(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                           "<admin-password source=\"env:PW\"/>\n" +
                           k_certificate + "</activation></amtcfg-profile>"),
               Catch::StartsWith("office.xml:4: <provisioning-certificate> is only used with "
                                 "mode=\"acm\""));
    CHECK(parse_error(acm_profile("")) ==
          "office.xml:2: mode=\"acm\" needs a <provisioning-certificate file=\"...\" "
          "password-source=\"...\"/> inside <activation> (the certificate that proves this "
          "setup is authorised)");
    CHECK_THAT(parse_error(ccm_profile("<redirection user-consent=\"none\"/>\n")),
               Catch::StartsWith("office.xml:3: user-consent=\"none\" needs mode=\"acm\""));
    CHECK_NOTHROW(parse_profile(
        acm_profile(k_certificate, "<redirection user-consent=\"none\"/>\n"), "office.xml"));
}

TEST_CASE("network, tls and maintenance combinations are checked", "[unit]") {
    CHECK_THAT(parse_error(ccm_profile("<network dhcp=\"true\" ip-sync=\"false\"/>\n")),
               Catch::StartsWith("office.xml:3: dhcp=\"true\" with ip-sync=\"false\""));
    CHECK_THAT(parse_error(ccm_profile("<network dhcp=\"false\" ip-sync=\"false\"/>\n")),
               Catch::StartsWith("office.xml:3: dhcp=\"false\" with ip-sync=\"false\""));
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"mutual\"><issuer type=\"scep\" "
                                       "url=\"https://ca\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: mode=\"mutual\" on <tls> needs trusted-root"));
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\" trusted-cn=\"a\"><issuer "
                                       "type=\"scep\" url=\"https://ca\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: trusted-root and trusted-cn on <tls> are for "
                                 "mode=\"mutual\""));
    CHECK(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"scep\" "
                                  "ca-key=\"k.pem\" url=\"https://ca\"/></tls>\n")) ==
          "office.xml:3: unknown attribute \"ca-key\" on <issuer> (expected type, url, "
          "challenge-source, trusted-ca, ca-fingerprint)");
    CHECK(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"cmp\" "
                                  "url=\"ftp://ca\"/></tls>\n")) ==
          "office.xml:3: invalid url=\"ftp://ca\" on <issuer> (expected an http:// or https:// "
          "URL)");
    CHECK_THAT(parse_error(ccm_profile("<tls mode=\"server\"><issuer type=\"file\" "
                                       "ca-certificate=\"c.pem\"/></tls>\n")),
               Catch::StartsWith("office.xml:3: <issuer> needs the attribute ca-key"));
    CHECK_THAT(parse_error(ccm_profile("<maintenance renew-certificate-days=\"30\"/>\n")),
               Catch::StartsWith("office.xml:3: renew-certificate-days needs a <tls> section"));
}

TEST_CASE("users: names, realms and duplicates", "[unit]") {
    auto user = [](const std::string& attributes) {
        return ccm_profile("<users>\n<user password-source=\"env:U\" " + attributes +
                           "/>\n</users>\n");
    };
    CHECK_THAT(parse_error(user("name=\"admin\" realms=\"redirection\"")),
               Catch::StartsWith("office.xml:4: invalid user name \"admin\""));
    CHECK_THAT(parse_error(user("name=\"$$x\" realms=\"redirection\"")),
               Catch::StartsWith("office.xml:4: invalid user name \"$$x\""));
    CHECK_THAT(parse_error(user("name=\"seventeen-chars-x\" realms=\"redirection\"")),
               Catch::StartsWith("office.xml:4: invalid user name"));
    CHECK_THAT(parse_error(user("name=\"a\" realms=\"redirection,powers\"")),
               Catch::StartsWith("office.xml:4: unknown realm \"powers\" in realms on <user> "
                                 "(expected a comma-separated list of redirection, "));
    CHECK(parse_error(user("name=\"a\" realms=\"storage, storage\"")) ==
          "office.xml:4: realm \"storage\" is listed twice on <user>");
    CHECK(parse_error(ccm_profile("<users>\n<user name=\"a\" password-source=\"env:U\" "
                                  "realms=\"storage\"/>\n<user name=\"a\" "
                                  "password-source=\"env:V\" realms=\"storage\"/>\n</users>\n")) ==
          "office.xml:5: user \"a\" is defined twice (give each user once)");
}

TEST_CASE("random passwords need an escrow target when it is known to be missing", "[unit]") {
    std::string text = "<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                       "<admin-password source=\"random\"/>\n</activation></amtcfg-profile>";
    CHECK(parse_error(text, ParseOptions{EscrowTarget::missing}) ==
          "office.xml:3: the admin password is source=\"random\", which needs --escrow FILE to "
          "keep the generated password (add --escrow FILE, or use env:NAME or file:PATH)");
    CHECK_NOTHROW(parse_profile(text, "office.xml", ParseOptions{EscrowTarget::given}));
    CHECK_NOTHROW(parse_profile(text, "office.xml"));
    CHECK_THAT(parse_error(ccm_profile("<maintenance rotate-password-days=\"30\"/>\n"),
                           ParseOptions{EscrowTarget::missing}),
               Catch::StartsWith("office.xml:3: rotate-password-days generates new passwords"));
}

TEST_CASE("only one secret may come from stdin", "[unit]") {
    CHECK(parse_error("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                      "<admin-password source=\"stdin\"/></activation>\n<users>"
                      "<user name=\"a\" password-source=\"stdin\" realms=\"storage\"/></users>"
                      "</amtcfg-profile>") ==
          "office.xml:4: the password of user a and the admin password (line 3) both come from "
          "stdin, which can carry only one secret (use env:NAME or file:PATH for one)");
}
