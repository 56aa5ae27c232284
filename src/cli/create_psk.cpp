// `amtcfg create-psk`: PID/PPS lists, USB one-touch setup.bin files, and setup.bin inspection.
#include "session.hpp"

#include "amtcfg/flows/psk.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

namespace {

struct CreatePskOptions {
    std::size_t count = 0;
    std::string out;
    std::string format = "csv";
};

psk::PskListFormat list_format(const CreatePskOptions &o) {
    auto format = psk::parse_psk_list_format(o.format);
    if (!format) {
        throw Error(ErrorCategory::usage, "--format must be csv or json");
    }
    return *format;
}

int run_list(Session &session, const CreatePskOptions &o) {
    if (o.out.empty() && session.options.json) {
        throw Error(ErrorCategory::usage,
                    "--json prints a result object, not keys: give --out FILE for the PID/PPS "
                    "list");
    }
    flows::PskListRequest request{.count = o.count, .out_path = o.out, .format = list_format(o)};
    auto result = flows::create_psk_list(request, psk::system_random());
    if (result.out_path.empty()) {
        Secret list = psk::render_psk_list(result.pairs, result.format);
        session.output.result(nlohmann::json::object(), list.reveal());
        return 0;
    }
    nlohmann::json pids = nlohmann::json::array();
    for (const auto &pair : result.pairs) {
        pids.push_back(psk::display_pid(pair.pid));
    }
    nlohmann::json object = {{"count", result.pairs.size()},
                             {"out", result.out_path},
                             {"format", o.format},
                             {"pids", pids}};
    session.output.result(object, fmt::format("wrote {} PID/PPS pairs to {} ({}, mode 0600)\n",
                                              result.pairs.size(), result.out_path, o.format));
    return 0;
}

} // namespace

Runner add_create_psk(CLI::App &command) {
    auto o = std::make_shared<CreatePskOptions>();
    command.add_option("--count", o->count, "how many PID/PPS pairs to make (1-10000)")
        ->type_name("N");
    command.add_option("--out", o->out, "write the PID/PPS list to FILE (0600); default stdout")
        ->type_name("FILE");
    command.add_option("--format", o->format, "PID/PPS list format: csv (default) or json")
        ->check(CLI::IsMember({"csv", "json"}));
    return [o](Session &session) {
        if (o->count == 0) {
            throw Error(ErrorCategory::usage,
                        "create-psk needs --count N (see amtcfg create-psk --help)");
        }
        return run_list(session, *o);
    };
}

} // namespace amtcfg::cli
