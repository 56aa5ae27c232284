// The JSON an escrow line is: a flat object whose values are all strings, parsed without
// leaving copies of a password behind.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace amtcfg::profile {

// Why a line is not a record. It never quotes the line, which may hold a password.
struct Malformed {
    std::string what;
};

// Parses one line; throws Malformed. The values' buffers are reserved to the line's size before
// they grow, so no reallocation leaves part of a password in freed memory.
std::map<std::string, std::string> parse_escrow_line(std::string_view text);

} // namespace amtcfg::profile
