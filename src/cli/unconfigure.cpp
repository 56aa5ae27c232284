// `amtcfg unconfigure`: return AMT to the unconfigured (pre-provisioning) state.
#include "flow_environment.hpp"
#include "session.hpp"

#include "amtcfg/flows/unconfigure.hpp"

#include <fmt/format.h>

#include <memory>

namespace amtcfg::cli {

namespace {

struct UnconfigureArgs {
    std::string password;
    bool partial = false;
};

} // namespace

Runner add_unconfigure(CLI::App& command) {
    auto args = std::make_shared<UnconfigureArgs>();
    command
        .add_option("--password", args->password,
                    "admin password (needed in ACM; in CCM it makes amtcfg use WS-Man): "
                    "env:NAME, file:PATH, escrow:FILE, stdin or prompt")
        ->type_name("SOURCE");
    command.add_flag("--partial", args->partial,
                     "ACM only: partial unprovision, keeping what AMT keeps in that case");
    return [args](Session& session) {
        flows::UnconfigureOptions options;
        if (!args->password.empty()) {
            options.admin_password = parse_secret_source(args->password);
            warn_if_literal(session, *options.admin_password, "--password");
        }
        options.scope =
            args->partial ? flows::UnprovisionScope::partial : flows::UnprovisionScope::full;
        FlowEnvironment environment(session);
        auto r = flows::unconfigure(environment.get(), options);
        nlohmann::json json = {{"control_mode_before", r.control_mode_before},
                               {"method", r.method},
                               {"partial", args->partial},
                               {"control_mode", r.control_mode},
                               {"provisioning_state", r.provisioning_state}};
        session.output.result(json, fmt::format("AMT was unconfigured ({} -> {}, via {}).\n",
                                                r.control_mode_before, r.control_mode, r.method));
        return 0;
    };
}

} // namespace amtcfg::cli
