// Resolving profile secrets: sources are read, random ones generated, weak ones refused.
#include "amtcfg/profile/password.hpp"
#include "amtcfg/profile/resolve.hpp"
#include "support.hpp"

#include <cstdlib>
#include <fstream>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

Profile with_admin_source(const std::string &source, const std::string &file = "office.xml") {
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
    } catch (const Error &error) {
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
