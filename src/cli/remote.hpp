// The --server side of configure, maintain and unconfigure: options, run, result.
#pragma once

#include "session.hpp"

#include "amtcfg/flows/remote.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace amtcfg::cli {

struct RemoteArgs {
    std::string server;
    std::optional<std::string> proxy;
    std::string server_ca;
    bool server_insecure = false;
    std::string tenant;
    std::string friendly_name;
};

// --server, --proxy, --server-ca, --server-insecure (and, for configure, --tenant and
// --friendly-name) on `command`.
void add_remote_options(CLI::App& command, RemoteArgs& args, bool activation);

// Runs `options` (command, profile, password, task filled in by the caller) against the server
// in `args` and prints the result; returns the exit code.
int run_remote_command(Session& session, const RemoteArgs& args, flows::RemoteOptions options);

} // namespace amtcfg::cli
