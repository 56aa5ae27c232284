// The exit-status table (DESIGN.md section 1, contract): the only place exit codes are defined.
#include "amtcfg/util/error.hpp"

#include <array>

namespace amtcfg {

namespace {

using C = ErrorCategory;

// Success (0) is not an error category; it is listed in the man page separately.
constexpr std::array<ExitCodeEntry, 20> k_table{{
    {1, C::internal, "internal", "internal error (a bug)"},
    {2, C::usage, "usage", "invalid command line"},
    {3, C::invalid_input, "invalid_input", "invalid input file (profile, certificate, setup.bin)"},
    {10, C::no_device, "no_device", "no MEI device / driver not loaded"},
    {11, C::permission_denied, "permission_denied", "permission denied on the MEI device"},
    {12, C::device_busy, "device_busy", "ME busy (another client holds it) after retries"},
    {13, C::amt_unavailable, "amt_unavailable",
     "AMT not present, disabled, or too old for the command"},
    {14, C::wrong_state, "wrong_state",
     "AMT is in the wrong state for this command (e.g. already activated with a different mode)"},
    {20, C::wsman_unreachable, "wsman_unreachable",
     "cannot reach AMT's WS-Man service (LMS and LME both failed)"},
    {21, C::auth_failed, "auth_failed", "AMT rejected the credentials"},
    {22, C::tls_failed, "tls_failed", "TLS handshake or certificate verification failed"},
    {23, C::server_unreachable, "server_unreachable", "provisioning server unreachable or failed"},
    {24, C::server_refused, "server_refused", "provisioning server refused the request"},
    {30, C::activation_failed, "activation_failed", "activation failed"},
    {31, C::acm_prerequisites, "acm_prerequisites",
     "ACM prerequisites not met (no trusted root hash, DNS suffix mismatch, bad provisioning "
     "certificate)"},
    {32, C::config_step_failed, "config_step_failed",
     "a configuration step failed (device left in a consistent state, reported which step)"},
    {33, C::unconfigure_failed, "unconfigure_failed", "unconfigure failed"},
    {34, C::maintenance_failed, "maintenance_failed", "a maintenance step failed"},
    {35, C::certificate_failed, "certificate_failed", "certificate issuance failed"},
    {40, C::timed_out, "timed_out", "timed out"},
}};

const ExitCodeEntry& entry(ErrorCategory category) {
    for (const auto& e : k_table) {
        if (e.category == category) {
            return e;
        }
    }
    return k_table.front(); // unreachable while every category has a row (tested)
}

} // namespace

std::span<const ExitCodeEntry> exit_code_table() {
    return k_table;
}

int exit_code(ErrorCategory category) {
    return entry(category).code;
}

std::string_view category_name(ErrorCategory category) {
    return entry(category).name;
}

Error Error::with_context(std::string_view context) const {
    return Error(m_category, std::string(context) + ": " + what());
}

} // namespace amtcfg
