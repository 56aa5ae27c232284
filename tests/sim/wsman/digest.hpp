// HTTP digest authentication as AMT does it (wsman.md section 2): MD5, qop=auth, realm
// "Digest:<32 hex>", nonces that can be made to go stale.
#pragma once

#include <cstdint>
#include <deque>
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

// Issues nonces and checks Authorization headers against accounts (user -> HA1).
class DigestAuthority {
public:
    DigestAuthority(std::string realm, StaleNonces stale)
        : m_realm(std::move(realm)), m_stale(stale) {}

    const std::string& realm() const { return m_realm; }
    // The WWW-Authenticate value of a 401; `stale` says the previous nonce went stale.
    std::string challenge(AuthOutcome reason);
    AuthResult check(std::string_view authorization, std::string_view method,
                     const std::map<std::string, std::string>& accounts);

private:
    std::string issue_nonce();

    struct Nonce {
        std::string value;
        bool fresh_from_stale = false; // issued with stale="true": never goes stale itself
    };

    std::string m_realm;
    StaleNonces m_stale;
    std::uint64_t m_counter = 0;
    std::deque<Nonce> m_nonces; // the last few issued; older ones are forgotten (stale)
    bool m_next_from_stale = false;
};

} // namespace amtcfg::sim
