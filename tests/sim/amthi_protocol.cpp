// Look-ups in the AMTHI command table.
#include "amthi_protocol.hpp"

#include <algorithm>
#include <cctype>

namespace amtcfg::sim::amthi {

std::optional<CommandInfo> find_command(std::string_view name) {
    for (const auto& c : k_commands) {
        if (std::equal(c.name.begin(), c.name.end(), name.begin(), name.end(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
            return c;
        }
    }
    return std::nullopt;
}

std::optional<CommandInfo> find_command(std::uint32_t code) {
    for (const auto& c : k_commands) {
        if (c.code == code)
            return c;
    }
    return std::nullopt;
}

} // namespace amtcfg::sim::amthi
