// Generated passwords meet AMT's rules; the checker names the rule a password breaks.
#include "amtcfg/profile/password.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace amtcfg;
using namespace amtcfg::profile;

TEST_CASE("generated passwords meet every AMT rule and differ", "[unit]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        Secret password = generate_password();
        INFO("attempt " << i);
        CHECK(password.size() == k_generated_password_length);
        CHECK_FALSE(password_rule_broken(password).has_value());
        for (char c : password.reveal()) {
            CHECK(std::string_view("\":,'`$\\<>&_ ").find(c) == std::string_view::npos);
        }
        seen.insert(password.reveal());
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("password_rule_broken names the broken rule", "[unit]") {
    CHECK(password_rule_broken(Secret("P@ssw0rd")) == std::nullopt);
    CHECK(password_rule_broken(Secret("P@ssw0r")) == "is not 8 to 32 characters long");
    CHECK(password_rule_broken(Secret(std::string(33, 'a'))) == "is not 8 to 32 characters long");
    CHECK(password_rule_broken(Secret("P@ss:w0rd")) ==
          "contains one of the characters \" : , which AMT refuses");
    CHECK(password_rule_broken(Secret("p@ssw0rd")) ==
          "does not mix upper-case and lower-case letters");
    CHECK(password_rule_broken(Secret("P@ssword")) == "has no digit");
    // AMT counts underscore as alphanumeric, so "Location_1" is not strong enough.
    CHECK(password_rule_broken(Secret("Location_1"))->find("non-alphanumeric") !=
          std::string::npos);
    CHECK(password_rule_broken(Secret("P@ssw0rd\x01")) ==
          "has a character outside printable 7-bit ASCII");
}
