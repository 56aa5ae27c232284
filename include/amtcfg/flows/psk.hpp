// Flow of `create-psk --count N`: make N PID/PPS pairs and write the list for a server.
#pragma once

#include "amtcfg/psk/pid_pps.hpp"
#include "amtcfg/psk/psk_list.hpp"
#include "amtcfg/util/file.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace amtcfg::flows {

// A setup.bin of this many records is 5 MB; more is a mistake, not a deployment.
constexpr std::size_t k_max_psk_count = 10000;

struct PskListRequest {
    std::size_t count = 0;
    std::string out_path; // empty: the caller prints the list itself
    psk::PskListFormat format = psk::PskListFormat::csv;
    Overwrite overwrite = Overwrite::refuse; // replace: --force
};

struct PskListResult {
    std::vector<psk::PskPair> pairs;
    std::string out_path; // where the list was written, or empty
    psk::PskListFormat format = psk::PskListFormat::csv;
};

// Throws Error(usage) for a count outside 1..k_max_psk_count, or when out_path exists and the
// request does not allow replacing it; writes the list 0600 via a temporary file and a rename
// when out_path is set.
PskListResult create_psk_list(const PskListRequest& request, const psk::RandomBytes& random);

// Checks a --count value; shared with the setup.bin flow.
void check_psk_count(std::size_t count);

} // namespace amtcfg::flows
