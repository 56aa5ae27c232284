// `amtcfg configure`: activate and converge AMT to a profile; --dry-run shows the plan.
#include "flow_environment.hpp"
#include "remote.hpp"
#include "session.hpp"

#include "amtcfg/flows/configure.hpp"
#include "amtcfg/profile/profile.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

namespace amtcfg::cli {

namespace {

struct ConfigureArgs {
    std::string profile;
    std::string password;
    std::string escrow;
    bool dry_run = false;
    RemoteArgs remote;
};

// configure --server: the server's profile NAME, its checks of the local options.
int configure_remotely(Session& session, const ConfigureArgs& args) {
    if (!args.escrow.empty()) {
        throw Error(ErrorCategory::usage, "--escrow does not apply with --server: the "
                                          "provisioning server generates and keeps the passwords");
    }
    flows::RemoteOptions options;
    options.command = flows::RemoteCommand::activate;
    options.profile = args.profile;
    options.dry_run = args.dry_run;
    if (!args.password.empty()) {
        options.password = parse_secret_source(args.password);
        warn_if_literal(session, *options.password, "--password");
    }
    return run_remote_command(session, args.remote, std::move(options));
}

nlohmann::json to_json(const flows::ConfigureResult& r, bool dry_run) {
    nlohmann::json plan = nlohmann::json::array();
    for (const auto& c : r.plan) {
        plan.push_back({{"step", c.step},
                        {"setting", c.setting},
                        {"current", c.current},
                        {"wanted", c.wanted}});
    }
    return {{"control_mode", r.control_mode},
            {"dry_run", dry_run},
            {"changed", r.changed},
            {"unchanged", r.unchanged},
            {"plan", plan},
            {"notes", r.notes},
            {"escrow", r.escrow ? nlohmann::json(*r.escrow) : nlohmann::json(nullptr)},
            {"tls", r.tls ? nlohmann::json{{"verified", r.tls->verified},
                                           {"subject", r.tls->subject},
                                           {"issuer", r.tls->issuer},
                                           {"not_after", r.tls->not_after}}
                          : nlohmann::json(nullptr)},
            {"wsman_calls", r.wsman_calls}};
}

std::string to_text(const flows::ConfigureResult& r, bool dry_run) {
    std::string text;
    if (dry_run) {
        text += "dry run: nothing was changed. Plan:\n";
        for (const auto& c : r.plan) {
            text +=
                fmt::format("  {:<14} {:<22} {} -> {}\n", c.step, c.setting, c.current, c.wanted);
        }
        if (r.plan.empty()) {
            text += "  nothing to change: the device already matches the profile\n";
        }
    } else {
        text += fmt::format("AMT is configured in {}.\n", r.control_mode);
    }
    auto list = [](const std::vector<std::string>& v) {
        return v.empty() ? std::string("none") : fmt::format("{}", fmt::join(v, ", "));
    };
    text += fmt::format("  {}: {}\n", dry_run ? "would change" : "changed", list(r.changed));
    text += fmt::format("  unchanged: {}\n", list(r.unchanged));
    if (r.escrow) {
        text += fmt::format("  the generated admin password is in {}\n", *r.escrow);
    }
    if (r.tls) {
        text += fmt::format("  TLS: AMT serves {} from {}, valid until {}{}\n", r.tls->subject,
                            r.tls->issuer, r.tls->not_after,
                            r.tls->verified ? ", verified over TLS" : "");
    }
    for (const auto& note : r.notes) {
        text += fmt::format("  note: {}\n", note);
    }
    return text;
}

} // namespace

Runner add_configure(CLI::App& command) {
    auto args = std::make_shared<ConfigureArgs>();
    command
        .add_option("--profile", args->profile,
                    "the XML profile to converge AMT to (with --server: the name of the "
                    "server's profile)")
        ->type_name("FILE|NAME")
        ->required();
    command
        .add_option("--password", args->password,
                    "current admin password of an activated AMT: env:NAME, file:PATH, "
                    "escrow:FILE, stdin or prompt (without it, a profile's random admin "
                    "password comes from --escrow)")
        ->type_name("SOURCE");
    command
        .add_option("--escrow", args->escrow,
                    "append generated passwords to FILE (0600) before setting them")
        ->type_name("FILE");
    command.add_flag("--dry-run", args->dry_run,
                     "print the plan (current -> wanted), change nothing; with --server, the "
                     "request with its password masked, sending nothing");
    add_remote_options(command, args->remote, true);
    return [args](Session& session) {
        if (!args->remote.server.empty()) {
            return configure_remotely(session, *args);
        }
        flows::ConfigureOptions options;
        options.mode = args->dry_run ? flows::RunMode::dry_run : flows::RunMode::apply;
        if (!args->password.empty()) {
            options.admin_password = parse_secret_source(args->password);
            warn_if_literal(session, *options.admin_password, "--password");
        }
        if (!args->escrow.empty()) {
            options.escrow_path = args->escrow;
        }
        profile::ParseOptions parse;
        parse.escrow =
            args->escrow.empty() ? profile::EscrowTarget::missing : profile::EscrowTarget::given;
        auto profile = profile::load_profile(args->profile, parse);
        FlowEnvironment environment(session);
        auto result = flows::configure(environment.get(), profile, options);
        session.output.result(to_json(result, args->dry_run), to_text(result, args->dry_run));
        return 0;
    };
}

} // namespace amtcfg::cli
