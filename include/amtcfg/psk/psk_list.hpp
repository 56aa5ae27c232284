// The PID/PPS list a provisioning server imports: CSV or JSON, written and read back.
#pragma once

#include "amtcfg/psk/pid_pps.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace amtcfg::psk {

enum class PskListFormat { csv, json };

std::optional<PskListFormat> parse_psk_list_format(std::string_view name);

// CSV: a "pid,pps" header line, then one display-form pair per line. JSON: {"pairs": [{"pid":
// ..., "pps": ...}]}. The result holds every PPS, so it is a Secret.
Secret render_psk_list(const std::vector<PskPair>& pairs, PskListFormat format);

// Reads either format (JSON when the first non-blank character is '{'). Throws
// Error(invalid_input) naming the line or entry and what is wrong with it.
std::vector<PskPair> parse_psk_list(std::string_view text);

} // namespace amtcfg::psk
