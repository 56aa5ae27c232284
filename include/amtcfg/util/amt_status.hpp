// The AMT_STATUS / PT_STATUS code names shared by AMTHI replies and WS-Man ReturnValues.
#pragma once

#include <cstdint>
#include <string_view>

namespace amtcfg {

// The name of an AMT status code (reference/amthi.md section 2, the same numbers as WS-Man
// PT_STATUS ReturnValues in reference/wsman.md section 5), or "UNKNOWN".
std::string_view amt_status_name(std::uint32_t code);

} // namespace amtcfg
