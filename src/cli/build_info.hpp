// The version and commit amtcfg was built from: project(VERSION) and `git describe`, compiled
// into one generated file (cmake/BuildInfo.cmake) so a new commit rebuilds nothing else.
#pragma once

#include <string_view>

namespace amtcfg::cli {

struct BuildInfo {
    std::string_view version; // project(VERSION) of CMakeLists.txt, e.g. "0.1.0"
    std::string_view commit;  // `git describe --always --dirty`; empty when built without git
};

BuildInfo build_info();

} // namespace amtcfg::cli
