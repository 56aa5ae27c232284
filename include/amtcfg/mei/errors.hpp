// The one errno -> ErrorCategory table of the MEI device boundary, and the error of a reset.
#pragma once

#include "amtcfg/util/error.hpp"

#include <string>
#include <string_view>

namespace amtcfg::mei {

// Where a system call failed: the same errno means different things at each stage
// (ENODEV at open is "not ready", mid-session it is a firmware reset).
enum class IoStage { open, connect, write, read, poll };

// The ME client went away during a session (firmware reset, link loss: ENODEV on read/write,
// POLLHUP/POLLERR on poll). The caller may reconnect once and retry an idempotent request.
class Disconnected : public Error {
public:
    explicit Disconnected(const std::string& message) : Error(ErrorCategory::no_device, message) {}
};

// Builds the error for `err` (an errno value) at `stage` on device node `path` while talking to
// ME client `client` ("AMTHI"); the message names the problem and the fix. Throws it.
[[noreturn]] void throw_errno(int err, IoStage stage, std::string_view path,
                              std::string_view client);

// The same error as a value, for tests and for callers that collect failures.
Error errno_error(int err, IoStage stage, std::string_view path, std::string_view client);

} // namespace amtcfg::mei
