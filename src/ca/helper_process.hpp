// Runs a submit helper through /bin/sh -c with extra environment variables, collects its output
// and stops it (its whole process group) when the deadline ends.
#pragma once

#include "amtcfg/util/deadline.hpp"

#include <string>
#include <utility>
#include <vector>

namespace amtcfg::ca::detail {

struct HelperRun {
    int exit_status = -1; // -1 when a signal ended it
    std::string out;      // standard output, at most k_max_helper_output bytes
    std::string err;      // standard error, at most k_max_helper_output bytes
};

inline constexpr std::size_t k_max_helper_output = 1024 * 1024;

// The command line is the profile's (trusted, as certmonger runs its helpers); outside data goes
// only into `environment` (a variable with an empty value is left out). Of amtcfg's own
// environment only PATH, HOME, locale, TMPDIR, TZ and proxy variables pass: the rest may hold
// secrets (env:NAME sources). Standard input is /dev/null. Error(timed_out) after killing the
// helper when `deadline` ends; Error(certificate_failed) when it cannot be started.
HelperRun run_helper(const std::string& command,
                     const std::vector<std::pair<std::string, std::string>>& environment,
                     const Deadline& deadline);

} // namespace amtcfg::ca::detail
