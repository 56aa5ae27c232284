// load_profile: the one place the profile module reads a profile file from disk.
#include "amtcfg/profile/profile.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace amtcfg::profile {

Profile load_profile(const std::string& path, const ParseOptions& options) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("the profile {} is a directory (expected an XML file)", path));
    }
    if (!in) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot read the profile {}: {} (check the --profile path)", path,
                                std::strerror(errno)));
    }
    std::string text;
    text.resize(k_max_profile_size + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_profile(text, path, options);
}

} // namespace amtcfg::profile
