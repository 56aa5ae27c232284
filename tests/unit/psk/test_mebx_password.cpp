// MEBx password rules.
#include "amtcfg/psk/mebx_password.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::psk;

namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems) {
        if (p.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("a password with every character class and 8-32 characters is accepted", "[unit]") {
    CHECK(mebx_password_problems("P@ssw0rd").empty());
    CHECK(mebx_password_problems("Abcdefg1!" + std::string(23, 'x')).empty()); // 32
}

TEST_CASE("each broken MEBx rule is named without quoting the password", "[unit]") {
    auto p = mebx_password_problems("admin");
    CHECK(mentions(p, "it has 5 characters; a MEBx password has 8 to 32"));
    CHECK(mentions(p, "no upper-case"));
    CHECK(mentions(p, "no digit"));
    CHECK(mentions(p, "no symbol"));
    CHECK_FALSE(mentions(p, "no lower-case"));
    for (const auto& problem : p) {
        CHECK(problem.find("admin") == std::string::npos);
    }
    CHECK(mentions(mebx_password_problems("Abcdefg1!" + std::string(24, 'x')), "33 characters"));
    CHECK(mentions(mebx_password_problems("Passw0rd_"), "no symbol"));
    CHECK(mentions(mebx_password_problems("Pass w0rd!"), "forbids"));
    CHECK(mentions(mebx_password_problems("Pass:w0rd!"), "forbids"));
    CHECK(mentions(mebx_password_problems("Pässw0rd!"), "7-bit ASCII"));
}

TEST_CASE("the current password only needs to be 1-32 printable ASCII", "[unit]") {
    CHECK(current_mebx_password_problems("admin").empty());
    CHECK_FALSE(current_mebx_password_problems(std::string(33, 'a')).empty());
    CHECK_FALSE(current_mebx_password_problems("ad min").empty());
}
