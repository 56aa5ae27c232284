// Digest authentication of the simulated AMT: challenge, verification, stale nonces.
#include "wsman/digest.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;

namespace {

const std::string k_realm = "Digest:A3829B3827DE4D33D4449B366831B8B5";

std::string answer(const std::string& nonce, const std::string& password, bool quoted_nc) {
    auto ha1 = digest_ha1("admin", k_realm, password);
    auto response = md5_hex(ha1 + ":" + nonce + ":00000001:abc:auth:" + md5_hex("POST:/wsman"));
    std::string nc = quoted_nc ? "nc=\"00000001\"" : "nc=00000001";
    return "Digest username=\"admin\", realm=\"" + k_realm + "\", nonce=\"" + nonce +
           "\", uri=\"/wsman\", response=\"" + response + "\", qop=auth, " + nc +
           ", cnonce=\"abc\"";
}

std::string nonce_of(const std::string& challenge) {
    return parse_digest_header(challenge)["nonce"];
}

} // namespace

TEST_CASE("the challenge has AMT's shape", "[unit][sim]") {
    DigestAuthority authority(k_realm, StaleNonces::never);
    auto challenge = authority.challenge(AuthOutcome::missing);
    auto params = parse_digest_header(challenge);
    CHECK(params["realm"] == k_realm);
    CHECK(params["qop"] == "auth");
    CHECK(params["stale"] == "false");
    CHECK_FALSE(params["nonce"].empty());
    CHECK(authority.challenge(AuthOutcome::missing) != challenge); // fresh nonce each time
}

TEST_CASE("a correct answer is accepted with nc quoted or not", "[unit][sim]") {
    DigestAuthority authority(k_realm, StaleNonces::never);
    std::map<std::string, std::string> accounts{
        {"admin", digest_ha1("admin", k_realm, "P@ssw0rd!")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    bool quoted = GENERATE(true, false);
    auto result = authority.check(answer(nonce, "P@ssw0rd!", quoted), "POST", accounts);
    CHECK(result.outcome == AuthOutcome::ok);
    CHECK(result.user == "admin");
}

TEST_CASE("a wrong password, user, realm or method is rejected", "[unit][sim]") {
    DigestAuthority authority(k_realm, StaleNonces::never);
    std::map<std::string, std::string> accounts{
        {"admin", digest_ha1("admin", k_realm, "P@ssw0rd!")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    CHECK(authority.check(answer(nonce, "wrong", true), "POST", accounts).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check(answer(nonce, "P@ssw0rd!", true), "GET", accounts).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check(answer(nonce, "P@ssw0rd!", true), "POST", {}).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check("", "POST", accounts).outcome == AuthOutcome::missing);
    CHECK(authority.check("Basic YWRtaW46eA==", "POST", accounts).outcome == AuthOutcome::missing);
}

TEST_CASE("a nonce the device never issued is stale", "[unit][sim]") {
    DigestAuthority authority(k_realm, StaleNonces::never);
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    CHECK(authority.check(answer("made-up", "pw", true), "POST", accounts).outcome ==
          AuthOutcome::stale_nonce);
}

TEST_CASE("digest-stale: each first nonce goes stale, the stale challenge's nonce works",
          "[unit][sim]") {
    DigestAuthority authority(k_realm, StaleNonces::first_use);
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    auto first = nonce_of(authority.challenge(AuthOutcome::missing));
    CHECK(authority.check(answer(first, "pw", true), "POST", accounts).outcome ==
          AuthOutcome::stale_nonce);
    CHECK(authority.check(answer(first, "pw", true), "POST", accounts).outcome ==
          AuthOutcome::stale_nonce); // stays stale
    auto challenge = authority.challenge(AuthOutcome::stale_nonce);
    CHECK(parse_digest_header(challenge)["stale"] == "true");
    auto second = nonce_of(challenge);
    CHECK(authority.check(answer(second, "pw", true), "POST", accounts).outcome == AuthOutcome::ok);
    CHECK(authority.check(answer(second, "pw", true), "POST", accounts).outcome == AuthOutcome::ok);
}
