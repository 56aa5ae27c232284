// `amtcfg version`: amtcfg's own version; needs no MEI device and no root.
#include "session.hpp"

namespace amtcfg::cli {

Runner add_version(CLI::App& /*command*/) {
    return [](Session& session) {
        nlohmann::json result = {{"name", "amtcfg"}, {"version", AMTCFG_VERSION}};
        session.output.result(result, fmt::format("amtcfg {}\n", AMTCFG_VERSION));
        return 0;
    };
}

} // namespace amtcfg::cli
