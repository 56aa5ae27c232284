// PID/PPS pre-shared keys: checksum rule, generation from a CSPRNG, parsing and display forms.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::psk {

// Lengths from reference/psk-setupbin.md section 1 (without the display dashes).
constexpr std::size_t k_pid_length = 8;
constexpr std::size_t k_pps_length = 32;
constexpr std::size_t k_pps_group = 4;

// Fills a buffer with random bytes. The real one is crypto::random_bytes (OpenSSL's DRBG);
// tests pass their own.
using RandomBytes = std::function<void(std::span<std::uint8_t>)>;
RandomBytes system_random();

// One pre-shared key. Both are kept without dashes: the PID is public (AMT sends it in the
// clear in its Hello packet), the PPS is the key.
struct PskPair {
    std::string pid;
    Secret pps;
};

// The checksum character over `covered`: the sum of the ASCII codes modulo 36, as 0-9 / A-Z.
char checksum_char(std::string_view covered);

PskPair generate_pair(const RandomBytes& random);
std::vector<PskPair> generate_pairs(std::size_t count, const RandomBytes& random);

// What is wrong with a PID or PPS (bare or display form), or nothing. Never quotes the PPS.
std::optional<std::string> pid_problem(std::string_view text);
std::optional<std::string> pps_problem(std::string_view text);

// Accept the display form (with dashes) or the bare form; return the bare form. Throw
// Error(invalid_input) with pid_problem / pps_problem's explanation.
std::string parse_pid(std::string_view text);
Secret parse_pps(std::string_view text);

// Display forms: PID "XXXX-XXXC", PPS eight "XXXC" groups joined by dashes.
std::string display_pid(std::string_view pid);
std::string display_pps(std::string_view pps);

} // namespace amtcfg::psk
