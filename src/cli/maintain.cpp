// `amtcfg maintain`: keep a configured AMT healthy; quiet and exit 0 when nothing is due.
#include "flow_environment.hpp"
#include "remote.hpp"
#include "session.hpp"

#include "amtcfg/flows/maintain.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

namespace amtcfg::cli {

namespace {

struct MaintainArgs {
    std::string password;
    std::string profile;
    std::string escrow;
    bool automatic = false;
    bool sync_clock = false;
    bool sync_hostname = false;
    bool sync_ip = false;
    bool rotate_password = false;
    bool sync_device_info = false;
    RemoteArgs remote;
};

// maintain --server: exactly one task per session, as the RPS protocol carries it.
int maintain_remotely(Session& session, const MaintainArgs& args) {
    std::vector<rps::MaintenanceTask> tasks;
    if (args.sync_clock) {
        tasks.push_back(rps::MaintenanceTask::sync_clock);
    }
    if (args.sync_hostname) {
        tasks.push_back(rps::MaintenanceTask::sync_hostname);
    }
    if (args.sync_ip) {
        tasks.push_back(rps::MaintenanceTask::sync_ip);
    }
    if (args.sync_device_info) {
        tasks.push_back(rps::MaintenanceTask::sync_device_info);
    }
    if (args.rotate_password) {
        tasks.push_back(rps::MaintenanceTask::change_password);
    }
    if (tasks.size() != 1) {
        throw Error(ErrorCategory::usage,
                    "maintain --server takes exactly one of --sync-clock, --sync-hostname, "
                    "--sync-ip, --sync-device-info and --rotate-password (one per run: the RPS "
                    "protocol carries one task per session)");
    }
    if (args.automatic || !args.profile.empty() || !args.escrow.empty()) {
        throw Error(ErrorCategory::usage,
                    "--auto, --profile and --escrow do not apply with --server: the server "
                    "decides and keeps the passwords");
    }
    flows::RemoteOptions options;
    options.command = flows::RemoteCommand::maintain;
    options.task = tasks.front();
    options.password = parse_secret_source(args.password);
    warn_if_literal(session, *options.password, "--password");
    return run_remote_command(session, args.remote, std::move(options));
}

std::string to_text(const flows::MaintainResult& r) {
    std::string text;
    for (const auto& c : r.checks) {
        if (c.due) {
            text += fmt::format("  {:<9} {:<12} {}\n", c.check,
                                !c.due   ? "not due"
                                : c.done ? "done"
                                         : "FAILED",
                                c.detail);
        }
    }
    return text;
}

} // namespace

Runner add_maintain(CLI::App& command) {
    auto args = std::make_shared<MaintainArgs>();
    command
        .add_option("--password", args->password,
                    "admin password: env:NAME, file:PATH, escrow:FILE, stdin or prompt")
        ->type_name("SOURCE")
        ->required();
    command.add_option("--profile", args->profile, "the profile whose <maintenance> applies")
        ->type_name("FILE");
    command.add_flag("--auto", args->automatic,
                     "do every check that is due (clock, hostname, IP; password rotation by the "
                     "profile's schedule)");
    command.add_flag("--sync-clock", args->sync_clock, "set AMT's clock from the host's");
    command.add_flag("--sync-hostname", args->sync_hostname, "set AMT's host and domain name");
    command.add_flag("--sync-ip", args->sync_ip, "set AMT's static IP settings from the host's");
    command.add_flag("--rotate-password", args->rotate_password,
                     "set a new random admin password now (needs --escrow)");
    command
        .add_option("--escrow", args->escrow,
                    "append new passwords to FILE (0600) before setting them")
        ->type_name("FILE");
    command.add_flag("--sync-device-info", args->sync_device_info,
                     "with --server: send the device's facts to the server again");
    add_remote_options(command, args->remote, false);
    return [args](Session& session) {
        if (!args->remote.server.empty()) {
            return maintain_remotely(session, *args);
        }
        if (args->sync_device_info) {
            throw Error(ErrorCategory::usage, "--sync-device-info needs --server");
        }
        flows::MaintainOptions options;
        options.admin_password = parse_secret_source(args->password);
        warn_if_literal(session, options.admin_password, "--password");
        std::optional<profile::Profile> profile;
        if (!args->profile.empty()) {
            profile = profile::load_profile(args->profile);
            options.profile = &*profile;
        }
        options.automatic = args->automatic;
        options.sync_clock = args->sync_clock;
        options.sync_hostname = args->sync_hostname;
        options.sync_ip = args->sync_ip;
        options.rotate_password = args->rotate_password;
        if (!args->escrow.empty()) {
            options.escrow_path = args->escrow;
        }
        FlowEnvironment environment(session);
        auto r = flows::maintain(environment.get(), options);
        nlohmann::json checks = nlohmann::json::array();
        for (const auto& c : r.checks) {
            checks.push_back(
                {{"check", c.check}, {"due", c.due}, {"done", c.done}, {"detail", c.detail}});
        }
        auto failed = r.failed();
        nlohmann::json json = {
            {"checks", checks}, {"failed", failed}, {"wsman_calls", r.wsman_calls}};
        session.output.result(json, to_text(r));
        if (!failed.empty()) {
            session.log.error("maintenance failed: {} (exit {})", fmt::join(failed, ", "),
                              exit_code(ErrorCategory::maintenance_failed));
            return exit_code(ErrorCategory::maintenance_failed);
        }
        return 0;
    };
}

} // namespace amtcfg::cli
