// man/amtcfg-profile.5 documents every element, attribute and enumerated value of the format.
#include "amtcfg/profile/profile.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

using namespace amtcfg::profile;

namespace {

std::string man_page() {
    std::ifstream in(AMTCFG_SOURCE_DIR "/man/amtcfg-profile.5");
    std::stringstream text;
    text << in.rdbuf();
    // groff escapes dashes; compare with plain ones.
    return std::regex_replace(text.str(), std::regex(R"(\\-)"), "-");
}

} // namespace

TEST_CASE("the profile man page names every element, attribute and value", "[unit]") {
    std::string man = man_page();
    REQUIRE(!man.empty());
    for (const char* name : {"amtcfg-profile",
                             "version",
                             "name",
                             "activation",
                             "mode",
                             "admin-password",
                             "source",
                             "mebx-password",
                             "provisioning-certificate",
                             "file",
                             "password-source",
                             "general",
                             "hostname-sync",
                             "ping-response",
                             "network",
                             "dhcp",
                             "ip-sync",
                             "redirection",
                             "kvm",
                             "sol",
                             "ider",
                             "user-consent",
                             "power-policy",
                             "tls",
                             "allow-non-tls",
                             "trusted-root",
                             "trusted-cn",
                             "issuer",
                             "type",
                             "ca-certificate",
                             "ca-key",
                             "ca-key-password-source",
                             "validity-days",
                             "url",
                             "challenge-source",
                             "trusted-ca",
                             "reference",
                             "secret-source",
                             "ca-fingerprint",
                             "command",
                             "common-name",
                             "dns-names",
                             "exec",
                             "users",
                             "user",
                             "realms",
                             "maintenance",
                             "clock-drift-max",
                             "renew-certificate-days",
                             "rotate-password-days",
                             "env:",
                             "file:",
                             "stdin",
                             "prompt",
                             "random",
                             "--escrow"}) {
        INFO(name);
        CHECK(man.find(name) != std::string::npos);
    }
    for (int i = 0; i <= static_cast<int>(Realm::acl); ++i) {
        auto realm = std::string(to_string(static_cast<Realm>(i)));
        INFO(realm);
        // In the realm list each name is followed by a comma, the last by a full stop.
        CHECK((man.find(realm + ",") != std::string::npos ||
               man.find(realm + ".") != std::string::npos));
    }
    for (auto value : {PowerPolicy::s0_only, PowerPolicy::always_on}) {
        CHECK(man.find(std::string(to_string(value))) != std::string::npos);
    }
}
