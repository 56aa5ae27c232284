// HTTP digest authentication as AMT does it (wsman.md section 2, RFC 2617): MD5, qop=auth,
// realm "Digest:<32 hex>"; the digest-uri must be the request's, a cnonce is required, nc must
// increase per nonce, and nonces go stale with age (or at once, with the digest-stale fault).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace amtcfg::sim {

std::string md5_hex(std::string_view text);
// HA1 = MD5(user:realm:password), lowercase hex: what AMT stores for an account.
std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password);

// The parameters of an "Authorization: Digest ..." header (quoted or unquoted values).
std::map<std::string, std::string> parse_digest_header(std::string_view header);

enum class AuthOutcome { ok, missing, bad_credentials, stale_nonce };

struct AuthResult {
    AuthOutcome outcome = AuthOutcome::missing;
    std::string user; // the authenticated account when ok
};

enum class StaleNonces { never, first_use }; // fault `digest-stale`: each first nonce goes stale

// How long a nonce is accepted. AMT documents no lifetime, only that "clients must be able to
// process intermittent failures where the nonce is reset" (docs/notes/wsman-facts.md); the
// simulator's choice is short, so a client's stale handling is exercised by long commands.
inline constexpr std::int64_t k_nonce_lifetime_seconds = 60;

// Issues nonces and checks Authorization headers against accounts (user -> HA1).
class DigestAuthority {
public:
    // `now` gives Unix seconds (tests pass a fake clock).
    DigestAuthority(std::string realm, StaleNonces stale, std::function<std::int64_t()> now)
        : m_realm(std::move(realm)), m_stale(stale), m_now(std::move(now)) {}

    const std::string& realm() const { return m_realm; }
    // The WWW-Authenticate value of a 401; `stale` says the previous nonce went stale.
    std::string challenge(AuthOutcome reason);
    // `target` is the request-target the digest-uri must equal ("/wsman").
    AuthResult check(std::string_view authorization, std::string_view method,
                     std::string_view target, const std::map<std::string, std::string>& accounts);

private:
    std::string issue_nonce();

    struct Nonce {
        std::string value;
        bool fresh_from_stale = false; // issued with stale="true": never goes stale at first use
        std::int64_t issued = 0;
        std::uint32_t last_nc = 0; // the highest nc accepted with it (nc starts at 1)
    };

    std::string m_realm;
    StaleNonces m_stale;
    std::function<std::int64_t()> m_now;
    std::uint64_t m_counter = 0;
    std::deque<Nonce> m_nonces; // the last few issued; older ones are forgotten (stale)
    bool m_next_from_stale = false;
};

} // namespace amtcfg::sim
