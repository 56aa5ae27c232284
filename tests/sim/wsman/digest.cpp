// Digest authentication for the simulator: parsing, nonce bookkeeping, verification.
#include "wsman/digest.hpp"

#include "amtcfg/util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace amtcfg::sim {
namespace {

constexpr std::size_t k_nonces_kept = 32;

std::string_view skip_separators(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == ',' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    return text;
}

// Reads one value (quoted or not) from the front of `text`.
std::string take_value(std::string_view& text) {
    std::string value;
    if (!text.empty() && text.front() == '"') {
        text.remove_prefix(1);
        while (!text.empty() && text.front() != '"') {
            if (text.front() == '\\' && text.size() > 1) {
                text.remove_prefix(1);
            }
            value += text.front();
            text.remove_prefix(1);
        }
        if (!text.empty()) {
            text.remove_prefix(1);
        }
        return value;
    }
    auto end = text.find(',');
    value = std::string(text.substr(0, end));
    while (!value.empty() && value.back() == ' ') {
        value.pop_back();
    }
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    return value;
}

} // namespace

std::string md5_hex(std::string_view text) {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_md5(), nullptr);
    return to_hex(ByteView(digest.data(), size));
}

std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password) {
    return md5_hex(std::string(user) + ":" + std::string(realm) + ":" + std::string(password));
}

std::map<std::string, std::string> parse_digest_header(std::string_view header) {
    std::map<std::string, std::string> params;
    if (header.substr(0, 7) != "Digest ") {
        return params;
    }
    header.remove_prefix(7);
    while (true) {
        header = skip_separators(header);
        auto equals = header.find('=');
        if (header.empty() || equals == std::string_view::npos) {
            return params;
        }
        std::string key(header.substr(0, equals));
        while (!key.empty() && key.back() == ' ') {
            key.pop_back();
        }
        header.remove_prefix(equals + 1);
        params[key] = take_value(header);
    }
}

std::string DigestAuthority::issue_nonce() {
    std::array<std::uint8_t, 16> random{};
    RAND_bytes(random.data(), static_cast<int>(random.size()));
    auto value = to_hex(random) + std::to_string(++m_counter);
    m_nonces.push_back({value, m_next_from_stale, m_now(), 0});
    if (m_nonces.size() > k_nonces_kept) {
        m_nonces.pop_front();
    }
    return value;
}

std::string DigestAuthority::challenge(AuthOutcome reason) {
    bool stale = reason == AuthOutcome::stale_nonce;
    m_next_from_stale = stale;
    auto nonce = issue_nonce();
    m_next_from_stale = false;
    return "Digest realm=\"" + m_realm + "\", nonce=\"" + nonce + "\",stale=\"" +
           (stale ? "true" : "false") + "\",qop=\"auth\"";
}

namespace {

// An nc is exactly 8 hex digits (RFC 2617 section 3.2.2).
std::optional<std::uint32_t> parse_nc(std::string_view text) {
    if (text.size() != 8 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); })) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(std::stoul(std::string(text), nullptr, 16));
}

} // namespace

AuthResult DigestAuthority::check(std::string_view authorization, std::string_view method,
                                  std::string_view target,
                                  const std::map<std::string, std::string>& accounts) {
    auto params = parse_digest_header(authorization);
    if (params.empty()) {
        return {AuthOutcome::missing, {}};
    }
    auto account = accounts.find(params["username"]);
    auto nc = parse_nc(params["nc"]);
    if (account == accounts.end() || params["realm"] != m_realm || params["qop"] != "auth" ||
        params["uri"] != target || params["cnonce"].empty() || !nc || *nc == 0) {
        return {AuthOutcome::bad_credentials, {}};
    }
    auto ha2 = md5_hex(std::string(method) + ":" + params["uri"]);
    auto expected = md5_hex(account->second + ":" + params["nonce"] + ":" + params["nc"] + ":" +
                            params["cnonce"] + ":auth:" + ha2);
    if (expected != params["response"]) {
        return {AuthOutcome::bad_credentials, {}};
    }
    auto it = std::find_if(m_nonces.begin(), m_nonces.end(),
                           [&](const Nonce& n) { return n.value == params["nonce"]; });
    if (it == m_nonces.end()) {
        return {AuthOutcome::stale_nonce, {}}; // a correct answer to a nonce we no longer hold
    }
    bool expired = m_now() - it->issued > k_nonce_lifetime_seconds;
    if (expired || (m_stale == StaleNonces::first_use && !it->fresh_from_stale)) {
        m_nonces.erase(it); // forgotten, so it stays stale
        return {AuthOutcome::stale_nonce, {}};
    }
    if (*nc <= it->last_nc) {
        return {AuthOutcome::bad_credentials, {}}; // a replayed request
    }
    it->last_nc = *nc;
    return {AuthOutcome::ok, account->first};
}

} // namespace amtcfg::sim
