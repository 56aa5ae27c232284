// PID/PPS checksum (Intel AMT SDK "PID-PPS Checksum"), generation and parsing.
#include "amtcfg/psk/pid_pps.hpp"

#include "amtcfg/crypto/random.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>

namespace amtcfg::psk {

namespace {

constexpr std::string_view k_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr unsigned k_modulus = 36;
// 252 = 7 x 36: bytes at or above it are dropped so every symbol is equally likely.
constexpr unsigned k_unbiased_limit = 252;
constexpr std::size_t k_pid_covered = 7;
constexpr std::size_t k_pps_covered = 3;

bool in_alphabet(char c) {
    return k_alphabet.find(c) != std::string_view::npos;
}

std::string strip_dashes(std::string_view text) {
    std::string bare;
    for (char c : text) {
        if (c != '-') {
            bare.push_back(c);
        }
    }
    return bare;
}

// True when `text` is the bare form, or the display form with dashes exactly every `group`.
bool dashes_in_place(std::string_view text, std::size_t group) {
    if (text.find('-') == std::string_view::npos) {
        return true;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool should_be_dash = (i + 1) % (group + 1) == 0;
        if ((text[i] == '-') != should_be_dash) {
            return false;
        }
    }
    return text.back() != '-';
}

std::optional<std::string> alphabet_problem(std::string_view bare, std::string_view what) {
    for (std::size_t i = 0; i < bare.size(); ++i) {
        if (!in_alphabet(bare[i])) {
            return fmt::format("{} character {} is not one of A-Z or 0-9 (upper case only)", what,
                               i + 1);
        }
    }
    return std::nullopt;
}

// Reserved up front, so no reallocation leaves a copy of PPS characters behind; the random
// bytes are wiped too (they determine the characters).
std::string random_chars(std::size_t count, const RandomBytes& random) {
    std::string out;
    out.reserve(count + 1); // + the checksum character
    std::array<std::uint8_t, 64> buffer{};
    while (out.size() < count) {
        random(buffer);
        for (std::uint8_t b : buffer) {
            if (b < k_unbiased_limit && out.size() < count) {
                out.push_back(k_alphabet[b % k_modulus]);
            }
        }
    }
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return out;
}

} // namespace

RandomBytes system_random() {
    return [](std::span<std::uint8_t> out) {
        Bytes bytes = crypto::random_bytes(out.size());
        std::copy(bytes.begin(), bytes.end(), out.begin());
        OPENSSL_cleanse(bytes.data(), bytes.size());
    };
}

char checksum_char(std::string_view covered) {
    unsigned sum = 0;
    for (char c : covered) {
        sum += static_cast<unsigned char>(c);
    }
    return k_alphabet[sum % k_modulus];
}

PskPair generate_pair(const RandomBytes& random) {
    std::string pid = random_chars(k_pid_covered, random);
    pid.push_back(checksum_char(pid));
    std::string pps;
    pps.reserve(k_pps_length);
    for (std::size_t g = 0; g < k_pps_length / k_pps_group; ++g) {
        std::string group = random_chars(k_pps_covered, random);
        group.push_back(checksum_char(group));
        pps += group;
        wipe_string(group);
    }
    return PskPair{std::move(pid), Secret(std::move(pps))};
}

std::vector<PskPair> generate_pairs(std::size_t count, const RandomBytes& random) {
    std::vector<PskPair> pairs;
    pairs.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        pairs.push_back(generate_pair(random));
    }
    return pairs;
}

std::optional<std::string> pid_problem(std::string_view text) {
    if (!dashes_in_place(text, k_pid_length / 2)) {
        return std::string("the PID has a dash out of place (the form is XXXX-XXXC)");
    }
    std::string bare = strip_dashes(text);
    if (bare.size() != k_pid_length) {
        return fmt::format("the PID has {} characters; it must have {} (XXXX-XXXC)", bare.size(),
                           k_pid_length);
    }
    if (auto problem = alphabet_problem(bare, "PID")) {
        return problem;
    }
    char expected = checksum_char(std::string_view(bare).substr(0, k_pid_covered));
    if (bare.back() != expected) {
        return fmt::format("the PID checksum character is {} but the first 7 characters give {}",
                           bare.back(), expected);
    }
    return std::nullopt;
}

std::optional<std::string> pps_problem(std::string_view text) {
    if (!dashes_in_place(text, k_pps_group)) {
        return std::string("the PPS has a dash out of place (the form is eight XXXC groups)");
    }
    std::string bare = strip_dashes(text);
    std::optional<std::string> problem;
    if (bare.size() != k_pps_length) {
        problem =
            fmt::format("the PPS has {} characters; it must have {}", bare.size(), k_pps_length);
    } else if (auto alphabet = alphabet_problem(bare, "PPS")) {
        problem = alphabet;
    } else {
        for (std::size_t g = 0; g < k_pps_length / k_pps_group && !problem; ++g) {
            std::string_view group = std::string_view(bare).substr(g * k_pps_group, k_pps_group);
            if (group.back() != checksum_char(group.substr(0, k_pps_covered))) {
                problem = fmt::format("the checksum character of PPS group {} is wrong", g + 1);
            }
        }
    }
    wipe_string(bare);
    return problem;
}

std::string parse_pid(std::string_view text) {
    if (auto problem = pid_problem(text)) {
        throw Error(ErrorCategory::invalid_input, *problem);
    }
    return strip_dashes(text);
}

Secret parse_pps(std::string_view text) {
    if (auto problem = pps_problem(text)) {
        throw Error(ErrorCategory::invalid_input, *problem);
    }
    return Secret(strip_dashes(text));
}

std::string display_pid(std::string_view pid) {
    std::string bare = strip_dashes(pid);
    return bare.size() == k_pid_length ? bare.substr(0, 4) + "-" + bare.substr(4) : bare;
}

std::string display_pps(std::string_view pps) {
    std::string out;
    for (std::size_t i = 0; i < pps.size(); ++i) {
        if (i > 0 && i % k_pps_group == 0) {
            out.push_back('-');
        }
        out.push_back(pps[i]);
    }
    return out;
}

} // namespace amtcfg::psk
