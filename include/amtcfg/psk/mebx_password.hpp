// AMT's MEBx password rules (reference/amthi.md section 5), checked before anything is written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::psk {

constexpr std::size_t k_mebx_password_min = 8;
constexpr std::size_t k_mebx_password_max = 32;
constexpr std::string_view k_mebx_factory_password = "admin";

// Every rule a new MEBx password breaks, each as a sentence that never quotes the password:
// 8-32 characters of 7-bit ASCII, at least one upper-case letter, one lower-case letter, one
// digit and one symbol other than '_', none of " ' , < > : & or space. Empty when acceptable.
std::vector<std::string> mebx_password_problems(std::string_view password);

// The current password only has to be something the firmware can compare: 1-32 printable
// 7-bit ASCII characters. Empty when acceptable.
std::vector<std::string> current_mebx_password_problems(std::string_view password);

} // namespace amtcfg::psk
