// AMT's password rules, and strong passwords generated for source="random".
#pragma once

#include "amtcfg/util/secret.hpp"

#include <optional>
#include <string>

namespace amtcfg::profile {

inline constexpr std::size_t k_generated_password_length = 24;

// A password AMT accepts (docs/notes/profile-facts.md): 24 characters of 7-bit ASCII with at
// least one upper-case letter, lower-case letter, digit and non-alphanumeric character, and none
// of " : , (nor characters that are awkward in shells and XML), drawn from the CSPRNG.
Secret generate_password();

// Which AMT admin password rule `password` breaks ("has no digit"), or nullopt when it meets
// them all. Never mentions the password itself.
std::optional<std::string> password_rule_broken(const Secret& password);

} // namespace amtcfg::profile
