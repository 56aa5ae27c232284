// Resolving profile secrets: sources are read, random ones generated, weak ones refused.
#include "amtcfg/profile/password.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "support.hpp"
#include "unit/crypto/test_certs.hpp"

#include <cstdlib>
#include <fstream>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

Profile with_admin_source(const std::string& source, const std::string& file = "office.xml") {
    return parse_profile("<amtcfg-profile version=\"1\">\n<activation mode=\"ccm\">\n"
                         "<admin-password source=\"" +
                             source + "\"/>\n</activation></amtcfg-profile>",
                         file);
}

} // namespace

TEST_CASE("random admin passwords are generated and marked for escrow", "[unit]") {
    Profile profile = with_admin_source("random");
    auto first = resolve_amt_password(profile, profile.activation.admin_password, "admin password");
    auto second =
        resolve_amt_password(profile, profile.activation.admin_password, "admin password");
    CHECK(first.origin == PasswordOrigin::generated);
    CHECK_FALSE(password_rule_broken(first.value));
    CHECK(first.value.reveal() != second.value.reveal());
    CHECK_THROWS_AS(read_profile_secret(profile, profile.activation.admin_password, "x"), Error);
}

TEST_CASE("passwords from sources are read and checked against AMT's rules", "[unit]") {
    ::setenv("AMTCFG_TEST_ADMIN_PW", "G00d!Password", 1);
    Profile profile = with_admin_source("env:AMTCFG_TEST_ADMIN_PW");
    auto resolved =
        resolve_amt_password(profile, profile.activation.admin_password, "admin password");
    CHECK(resolved.origin == PasswordOrigin::from_source);
    CHECK(resolved.value.reveal() == "G00d!Password");

    ::setenv("AMTCFG_TEST_ADMIN_PW", "weakpassword", 1);
    try {
        resolve_amt_password(profile, profile.activation.admin_password, "admin password");
        FAIL("a weak password was accepted");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::invalid_input);
        std::string message = error.what();
        CHECK_THAT(message, Catch::StartsWith("office.xml:3: the admin password from "
                                              "env:AMTCFG_TEST_ADMIN_PW does not mix upper-case "
                                              "and lower-case letters"));
        CHECK(message.find("weakpassword") == std::string::npos);
    }
    ::unsetenv("AMTCFG_TEST_ADMIN_PW");
}

TEST_CASE("read errors carry the profile line", "[unit]") {
    ::unsetenv("AMTCFG_TEST_UNSET_PW");
    Profile profile = with_admin_source("env:AMTCFG_TEST_UNSET_PW");
    CHECK_THROWS_WITH(
        read_profile_secret(profile, profile.activation.admin_password, "admin password"),
        Catch::StartsWith("office.xml:3: ") && Catch::Contains("AMTCFG_TEST_UNSET_PW"));

    test::TempDir dir;
    std::ofstream(dir.file("pw.txt")) << "Fr0m-File!\n";
    // file: paths are relative to the profile's directory.
    Profile relative = with_admin_source("file:pw.txt", dir.file("office.xml"));
    CHECK(read_profile_secret(relative, relative.activation.admin_password, "admin password")
              .reveal() == "Fr0m-File!");
}

TEST_CASE("the provisioning certificate is loaded with its password source", "[unit]") {
    auto acm = [](const std::string& file, const std::string& password_source) {
        return parse_profile("<amtcfg-profile version=\"1\">\n<activation mode=\"acm\">\n"
                             "<admin-password source=\"random\"/>\n"
                             "<provisioning-certificate file=\"" +
                                 file + "\" password-source=\"" + password_source +
                                 "\"/>\n</activation></amtcfg-profile>",
                             "/etc/amtcfg/acm.xml");
    };
    ::setenv("AMTCFG_TEST_PFX_PW", "test-pfx-pw", 1);
    Profile good = acm(test::certs().path("good.pfx"), "env:AMTCFG_TEST_PFX_PW");
    auto chain = load_provisioning_certificate(good);
    CHECK(chain.chain.size() == 3);
    CHECK(chain.leaf().common_name == "prov.example.com");

    ::setenv("AMTCFG_TEST_PFX_PW", "wrong", 1);
    CHECK_THROWS_WITH(load_provisioning_certificate(good),
                      Catch::StartsWith("/etc/amtcfg/acm.xml:4: provisioning certificate ") &&
                          Catch::Contains("the password is wrong"));
    // Read variables leave the environment (and are remembered); a variable never set fails.
    ::unsetenv("AMTCFG_TEST_PFX_PW_UNSET");
    Profile unset = acm(test::certs().path("good.pfx"), "env:AMTCFG_TEST_PFX_PW_UNSET");
    CHECK_THROWS_WITH(load_provisioning_certificate(unset),
                      Catch::StartsWith("/etc/amtcfg/acm.xml:4: ") &&
                          Catch::Contains("AMTCFG_TEST_PFX_PW_UNSET"));
    // A relative file= is taken from the profile's directory.
    CHECK(acm("prov.pfx", "env:X").activation.provisioning_certificate->file ==
          "/etc/amtcfg/prov.pfx");
    CHECK_THROWS_WITH(
        load_provisioning_certificate(with_admin_source("env:X")),
        "office.xml:2: the profile has no <provisioning-certificate> (ACM needs one)");
}
