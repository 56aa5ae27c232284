// What a certmonger submit helper's exit status and standard output mean (certmonger's
// "submit helper" interface, as certmonger-scep-submit(8) lists the exit statuses).
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::ca::detail {

// Exit statuses of the interface.
enum class HelperStatus : int {
    issued = 0,          // stdout: the certificate (PEM), optionally followed by its chain
    wait = 1,            // stdout: a cookie to poll with
    rejected = 2,        // stdout: the CA's reason
    unreachable = 3,     // stdout: an error message; try again later
    underconfigured = 4, // stdout: what is missing
    wait_with_delay = 5, // stdout: seconds to wait on the first line, then the cookie
    operation_not_supported = 6,
    // certmonger's CM_SUBMIT_STATUS_NEED_SCEP_MESSAGES: scep-submit wants the daemon to build
    // the SCEP pkiMessage, signed with the request's private key (which only AMT holds).
    need_scep_messages = 16,
};

struct HelperAnswer {
    enum class Kind { issued, wait, rejected, unreachable, failed } kind = Kind::failed;
    std::vector<Bytes> certificates; // issued: DER, AMT's first, then the chain as printed
    std::string cookie;              // wait
    std::optional<std::chrono::seconds> delay; // wait with a delay (exit 5)
    std::string message; // rejected/unreachable/failed: the helper's words, controls escaped
};

// Interprets one run. Pure; `exit_status` is the process's exit status, or -1 when a signal
// ended it. Never throws on any stdout: malformed answers become Kind::failed with a reason.
HelperAnswer interpret_helper(int exit_status, std::string_view out);

} // namespace amtcfg::ca::detail
