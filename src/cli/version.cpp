// `amtcfg version`: amtcfg's own version and the commit it was built from; needs no MEI device
// and no root.
#include "build_info.hpp"
#include "session.hpp"

namespace amtcfg::cli {

Runner add_version(CLI::App& /*command*/) {
    return [](Session& session) {
        auto build = build_info();
        std::string version(build.version);
        nlohmann::json commit = nullptr;
        std::string text = fmt::format("amtcfg {}\n", version);
        if (!build.commit.empty()) {
            commit = std::string(build.commit);
            text = fmt::format("amtcfg {} (commit {})\n", version, build.commit);
        }
        nlohmann::json result = {{"name", "amtcfg"}, {"version", version}, {"commit", commit}};
        session.output.result(result, text);
        return 0;
    };
}

} // namespace amtcfg::cli
