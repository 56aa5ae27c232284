// The one error type of amtcfg and its categories, which map one-to-one onto exit codes.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace amtcfg {

// One value per row of the exit-status table in DESIGN.md section 1 (contract).
enum class ErrorCategory {
    internal,           // 1: a bug
    usage,              // 2: invalid command line
    invalid_input,      // 3: invalid profile, certificate, setup.bin
    no_device,          // 10
    permission_denied,  // 11
    device_busy,        // 12
    amt_unavailable,    // 13: AMT not present, disabled, too old, or not answering sanely
    wrong_state,        // 14
    wsman_unreachable,  // 20
    auth_failed,        // 21
    tls_failed,         // 22
    server_unreachable, // 23
    server_refused,     // 24
    activation_failed,  // 30
    acm_prerequisites,  // 31
    config_step_failed, // 32
    unconfigure_failed, // 33
    maintenance_failed, // 34
    certificate_failed, // 35
    timed_out,          // 40
};

struct ExitCodeEntry {
    int code;
    ErrorCategory category;
    std::string_view name;    // stable identifier, used in JSON results ("no_device")
    std::string_view meaning; // the text of the contract table
};

// The whole exit-status table, success first. Lives in src/util/exit_codes.cpp.
std::span<const ExitCodeEntry> exit_code_table();
int exit_code(ErrorCategory category);
std::string_view category_name(ErrorCategory category);

class Error : public std::runtime_error {
public:
    Error(ErrorCategory category, const std::string& message)
        : std::runtime_error(message), m_category(category) {}

    ErrorCategory category() const { return m_category; }

    // A copy of this error with "context: " put in front of the message; used at module
    // boundaries ("cannot connect to the AMTHI client: device busy").
    Error with_context(std::string_view context) const;

private:
    ErrorCategory m_category;
};

// Thrown by the bounds-checked readers when outside bytes are shorter or otherwise not what a
// decoder expects. Protocol modules translate it into an Error with their own context.
class DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace amtcfg
