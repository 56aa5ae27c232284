// MEBx password rules from the HP/DFI MEBx guides, as summarised in reference/amthi.md.
#include "amtcfg/psk/mebx_password.hpp"

#include <fmt/format.h>

namespace amtcfg::psk {

namespace {

constexpr std::string_view k_forbidden = "\"',<>:& ";

bool is_printable_ascii(char c) {
    return c >= 0x21 && c <= 0x7E;
}

} // namespace

std::vector<std::string> mebx_password_problems(std::string_view password) {
    std::vector<std::string> problems;
    if (password.size() < k_mebx_password_min || password.size() > k_mebx_password_max) {
        problems.push_back(fmt::format("it has {} characters; a MEBx password has {} to {}",
                                       password.size(), k_mebx_password_min, k_mebx_password_max));
    }
    bool upper = false, lower = false, digit = false, symbol = false, forbidden = false;
    bool non_ascii = false;
    for (char c : password) {
        upper = upper || (c >= 'A' && c <= 'Z');
        lower = lower || (c >= 'a' && c <= 'z');
        digit = digit || (c >= '0' && c <= '9');
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        forbidden = forbidden || k_forbidden.find(c) != std::string_view::npos;
        non_ascii = non_ascii || (!is_printable_ascii(c) && c != ' ');
        // '_' does not count toward complexity (MEBx guides).
        symbol = symbol || (is_printable_ascii(c) && !alnum && c != '_' &&
                            k_forbidden.find(c) == std::string_view::npos);
    }
    auto need = [&](bool have, std::string_view what) {
        if (!have) {
            problems.push_back(fmt::format("it has no {}", what));
        }
    };
    need(upper, "upper-case letter (A-Z)");
    need(lower, "lower-case letter (a-z)");
    need(digit, "digit (0-9)");
    need(symbol, "symbol such as ! # $ % * + - . / = ? @ (\"_\" does not count)");
    if (forbidden) {
        problems.emplace_back("it contains a character MEBx forbids: one of \" ' , < > : & or a "
                              "space");
    }
    if (non_ascii) {
        problems.emplace_back("it contains a character outside printable 7-bit ASCII");
    }
    return problems;
}

std::vector<std::string> current_mebx_password_problems(std::string_view password) {
    std::vector<std::string> problems;
    if (password.empty() || password.size() > k_mebx_password_max) {
        problems.push_back(fmt::format("it has {} characters; a MEBx password has 1 to {}",
                                       password.size(), k_mebx_password_max));
    }
    for (char c : password) {
        if (!is_printable_ascii(c)) {
            problems.emplace_back("it contains a character outside printable 7-bit ASCII");
            break;
        }
    }
    return problems;
}

} // namespace amtcfg::psk
