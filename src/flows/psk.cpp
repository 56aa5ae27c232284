// `create-psk --count N`: PID/PPS pairs from the CSPRNG, written as a private list file.
#include "amtcfg/flows/psk.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/file.hpp"

#include <fmt/format.h>

namespace amtcfg::flows {

void check_psk_count(std::size_t count) {
    if (count == 0 || count > k_max_psk_count) {
        throw Error(ErrorCategory::usage, fmt::format("--count must be between 1 and {} (got {})",
                                                      k_max_psk_count, count));
    }
}

PskListResult create_psk_list(const PskListRequest& request, const psk::RandomBytes& random) {
    check_psk_count(request.count);
    if (!request.out_path.empty()) {
        check_overwrite(request.out_path, "PID/PPS list", request.overwrite);
    }
    PskListResult result;
    result.pairs = psk::generate_pairs(request.count, random);
    result.format = request.format;
    if (!request.out_path.empty()) {
        Secret text = psk::render_psk_list(result.pairs, request.format);
        write_private_file(request.out_path, as_bytes(text.reveal()), "PID/PPS list",
                           request.overwrite);
        result.out_path = request.out_path;
    }
    return result;
}

} // namespace amtcfg::flows
