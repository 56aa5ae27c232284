// Digest authentication of the simulated AMT: challenge, verification, stale nonces.
#include "wsman/digest.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;

namespace {

const std::string k_realm = "Digest:A3829B3827DE4D33D4449B366831B8B5";

struct Answer {
    std::string nc = "00000001";
    std::string uri = "/wsman";
    std::string cnonce = "abc";
};

std::string answer(const std::string& nonce, const std::string& password, bool quoted_nc,
                   const Answer& a = {}) {
    auto ha1 = digest_ha1("admin", k_realm, password);
    auto response = md5_hex(ha1 + ":" + nonce + ":" + a.nc + ":" + a.cnonce +
                            ":auth:" + md5_hex("POST:" + a.uri));
    std::string nc = quoted_nc ? "nc=\"" + a.nc + "\"" : "nc=" + a.nc;
    return "Digest username=\"admin\", realm=\"" + k_realm + "\", nonce=\"" + nonce + "\", uri=\"" +
           a.uri + "\", response=\"" + response + "\", qop=auth, " + nc +
           (a.cnonce.empty() ? "" : ", cnonce=\"" + a.cnonce + "\"");
}

std::int64_t g_now = 1'700'000'000;

DigestAuthority make(StaleNonces stale = StaleNonces::never) {
    return DigestAuthority(k_realm, stale, [] { return g_now; });
}

std::string nonce_of(const std::string& challenge) {
    return parse_digest_header(challenge)["nonce"];
}

} // namespace

TEST_CASE("the challenge has AMT's shape", "[unit][sim]") {
    auto authority = make();
    auto challenge = authority.challenge(AuthOutcome::missing);
    auto params = parse_digest_header(challenge);
    CHECK(params["realm"] == k_realm);
    CHECK(params["qop"] == "auth");
    CHECK(params["stale"] == "false");
    CHECK_FALSE(params["nonce"].empty());
    CHECK(authority.challenge(AuthOutcome::missing) != challenge); // fresh nonce each time
}

TEST_CASE("a correct answer is accepted with nc quoted or not", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{
        {"admin", digest_ha1("admin", k_realm, "P@ssw0rd!")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    bool quoted = GENERATE(true, false);
    auto result = authority.check(answer(nonce, "P@ssw0rd!", quoted), "POST", "/wsman", accounts);
    CHECK(result.outcome == AuthOutcome::ok);
    CHECK(result.user == "admin");
}

TEST_CASE("a wrong password, user, realm or method is rejected", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{
        {"admin", digest_ha1("admin", k_realm, "P@ssw0rd!")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    CHECK(authority.check(answer(nonce, "wrong", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check(answer(nonce, "P@ssw0rd!", true), "GET", "/wsman", accounts).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check(answer(nonce, "P@ssw0rd!", true), "POST", "/wsman", {}).outcome ==
          AuthOutcome::bad_credentials);
    CHECK(authority.check("", "POST", "/wsman", accounts).outcome == AuthOutcome::missing);
    CHECK(authority.check("Basic YWRtaW46eA==", "POST", "/wsman", accounts).outcome ==
          AuthOutcome::missing);
}

TEST_CASE("a nonce the device never issued is stale", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    CHECK(authority.check(answer("made-up", "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::stale_nonce);
}

TEST_CASE("digest-stale: each first nonce goes stale, the stale challenge's nonce works",
          "[unit][sim]") {
    auto authority = make(StaleNonces::first_use);
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    auto first = nonce_of(authority.challenge(AuthOutcome::missing));
    CHECK(authority.check(answer(first, "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::stale_nonce);
    CHECK(authority.check(answer(first, "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::stale_nonce); // stays stale
    auto challenge = authority.challenge(AuthOutcome::stale_nonce);
    CHECK(parse_digest_header(challenge)["stale"] == "true");
    auto second = nonce_of(challenge);
    CHECK(authority.check(answer(second, "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::ok);
    CHECK(authority.check(answer(second, "pw", true, {"00000002"}), "POST", "/wsman", accounts)
              .outcome == AuthOutcome::ok);
}

TEST_CASE("nc must be 8 hex digits and increase with each use of a nonce", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    auto outcome = [&](std::string nc) {
        return authority
            .check(answer(nonce, "pw", false, {std::move(nc)}), "POST", "/wsman", accounts)
            .outcome;
    };
    CHECK(outcome("00000000") == AuthOutcome::bad_credentials);
    CHECK(outcome("1") == AuthOutcome::bad_credentials);
    CHECK(outcome("0000000g") == AuthOutcome::bad_credentials);
    CHECK(outcome("00000001") == AuthOutcome::ok);
    CHECK(outcome("00000001") == AuthOutcome::bad_credentials); // a replay
    CHECK(outcome("00000003") == AuthOutcome::ok);              // gaps are allowed
    CHECK(outcome("00000002") == AuthOutcome::bad_credentials);
    CHECK(outcome("0000000A") == AuthOutcome::ok);
}

TEST_CASE("the digest-uri must be the request's and a cnonce is required", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    Answer other_uri;
    other_uri.uri = "/other";
    CHECK(
        authority.check(answer(nonce, "pw", true, other_uri), "POST", "/wsman", accounts).outcome ==
        AuthOutcome::bad_credentials);
    CHECK(
        authority.check(answer(nonce, "pw", true, other_uri), "POST", "/other", accounts).outcome ==
        AuthOutcome::ok);
    Answer no_cnonce;
    no_cnonce.nc = "00000002";
    no_cnonce.cnonce = "";
    CHECK(
        authority.check(answer(nonce, "pw", true, no_cnonce), "POST", "/wsman", accounts).outcome ==
        AuthOutcome::bad_credentials);
}

TEST_CASE("a nonce older than its lifetime is stale", "[unit][sim]") {
    auto authority = make();
    std::map<std::string, std::string> accounts{{"admin", digest_ha1("admin", k_realm, "pw")}};
    auto nonce = nonce_of(authority.challenge(AuthOutcome::missing));
    g_now += k_nonce_lifetime_seconds;
    CHECK(authority.check(answer(nonce, "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::ok);
    g_now += 1;
    CHECK(authority.check(answer(nonce, "pw", true, {"00000002"}), "POST", "/wsman", accounts)
              .outcome == AuthOutcome::stale_nonce);
    auto fresh = nonce_of(authority.challenge(AuthOutcome::stale_nonce));
    CHECK(authority.check(answer(fresh, "pw", true), "POST", "/wsman", accounts).outcome ==
          AuthOutcome::ok);
}
