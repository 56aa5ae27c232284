// `amtcfg unconfigure`: return AMT to the unconfigured (pre-provisioning) state.
#include "flow_environment.hpp"
#include "remote.hpp"
#include "session.hpp"

#include "amtcfg/flows/unconfigure.hpp"

#include <fmt/format.h>

#include <memory>

namespace amtcfg::cli {

namespace {

struct UnconfigureArgs {
    std::string password;
    bool partial = false;
    bool force = false;
    RemoteArgs remote;
};

// null when unconfigure went through AMTHI (no WS-Man session to remove anything with).
nlohmann::json tls_removed_json(const std::optional<flows::TlsRemoval>& tls) {
    if (!tls) {
        return nullptr;
    }
    nlohmann::json out = {{"credential_context", tls->credential_context},
                          {"certificates", tls->certificates},
                          {"key_pairs", tls->key_pairs}};
    if (!tls->error.empty()) {
        out["error"] = tls->error;
    }
    return out;
}

std::string tls_removed_text(const std::optional<flows::TlsRemoval>& tls) {
    if (!tls || (!tls->credential_context && tls->error.empty())) {
        return "";
    }
    std::string text = fmt::format("Removed before: {}{} certificate(s), {} key pair(s).\n",
                                   tls->credential_context ? "the TLS credential context, " : "",
                                   tls->certificates.size(), tls->key_pairs.size());
    if (!tls->error.empty()) {
        text += "Could not remove the rest of amtcfg's TLS objects (unprovisioning erases them): " +
                tls->error + "\n";
    }
    return text;
}

int unconfigure_remotely(Session& session, const UnconfigureArgs& args) {
    if (args.password.empty()) {
        throw Error(ErrorCategory::usage,
                    "unconfigure --server needs --password: the server checks it before it "
                    "deactivates AMT");
    }
    if (args.partial) {
        throw Error(ErrorCategory::usage, "--partial does not apply with --server");
    }
    flows::RemoteOptions options;
    options.command = flows::RemoteCommand::deactivate;
    options.password = parse_secret_source(args.password);
    warn_if_literal(session, *options.password, "--password");
    options.force = args.force;
    return run_remote_command(session, args.remote, std::move(options));
}

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
    command.add_flag("--force", args->force,
                     "with --server: ask the server to deactivate even if it does not know the "
                     "device (RPS -f)");
    add_remote_options(command, args->remote, false);
    return [args](Session& session) {
        if (!args->remote.server.empty()) {
            return unconfigure_remotely(session, *args);
        }
        if (args->force) {
            throw Error(ErrorCategory::usage, "--force needs --server");
        }
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
                               {"provisioning_state", r.provisioning_state},
                               {"tls_removed", tls_removed_json(r.tls)}};
        session.output.result(json, fmt::format("AMT was unconfigured ({} -> {}, via {}).\n{}",
                                                r.control_mode_before, r.control_mode, r.method,
                                                tls_removed_text(r.tls)));
        return 0;
    };
}

} // namespace amtcfg::cli
