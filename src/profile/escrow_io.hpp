// What the escrow writer and reader share: errors naming the file, and the safety checks.
#pragma once

#include <string>
#include <string_view>

namespace amtcfg::profile {

// Throws Error(usage) "cannot <doing> the escrow file PATH: <errno text> (<hint>)".
[[noreturn]] void fail_errno(const std::string& path, std::string_view doing);

// Refuses (Error(usage), with the fix) a file that is not regular, not owned by the user running
// amtcfg, or that its group or other users may read or write.
void check_safe(int fd, const std::string& path);

} // namespace amtcfg::profile
