// Generation and checking of passwords against AMT's strong-password rules.
#include "amtcfg/profile/password.hpp"

#include "amtcfg/crypto/random.hpp"
#include "amtcfg/util/error.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <string_view>

namespace amtcfg::profile {

namespace {

constexpr std::size_t k_min_length = 8;
constexpr std::size_t k_max_length = 32;
// The generator's alphabet: letters, digits and symbols that AMT counts as non-alphanumeric
// ("_" does not count) and that need no quoting in XML, JSON or a POSIX shell's double quotes.
constexpr std::string_view k_letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view k_digits = "0123456789";
constexpr std::string_view k_symbols = "!#%*+-./=?@^~";

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
// AMT's "non alpha-numeric character above 32"; underscore counts as alphanumeric.
bool is_symbol(char c) {
    return c > 32 && c < 127 && !is_upper(c) && !is_lower(c) && !is_digit(c) && c != '_';
}

} // namespace

std::optional<std::string> password_rule_broken(const Secret& password) {
    const std::string& text = password.reveal();
    if (text.size() < k_min_length || text.size() > k_max_length) {
        return "is not 8 to 32 characters long";
    }
    for (char c : text) {
        if (c < 32 || c > 126) {
            return "has a character outside printable 7-bit ASCII";
        }
        if (c == '"' || c == ':' || c == ',') {
            return "contains one of the characters \" : , which AMT refuses";
        }
    }
    auto has = [&](bool (*test)(char)) { return std::any_of(text.begin(), text.end(), test); };
    if (!has(is_upper) || !has(is_lower)) {
        return "does not mix upper-case and lower-case letters";
    }
    if (!has(is_digit)) {
        return "has no digit";
    }
    if (!has(is_symbol)) {
        return "has no non-alphanumeric character such as ! or # (underscore does not count)";
    }
    return std::nullopt;
}

Secret generate_password() {
    std::string alphabet;
    alphabet.append(k_letters).append(k_digits).append(k_symbols);
    // Draw uniformly (bytes at or above the largest multiple of the alphabet size are dropped)
    // and redraw the whole password until it meets every rule: uniform over valid passwords,
    // and a redraw is needed about once in a hundred.
    const auto limit = static_cast<unsigned>(256 - 256 % alphabet.size());
    for (int attempt = 0; attempt < 1000; ++attempt) {
        std::string text;
        text.reserve(k_generated_password_length); // no reallocation leaves a partial copy
        while (text.size() < k_generated_password_length) {
            Bytes bytes = crypto::random_bytes(k_generated_password_length);
            for (auto byte : bytes) {
                if (byte < limit && text.size() < k_generated_password_length) {
                    text.push_back(alphabet[byte % alphabet.size()]);
                }
            }
            OPENSSL_cleanse(bytes.data(), bytes.size());
        }
        Secret candidate(std::move(text));
        if (!password_rule_broken(candidate)) {
            return candidate;
        }
    }
    throw Error(ErrorCategory::internal, "cannot generate a password that meets AMT's rules");
}

} // namespace amtcfg::profile
