// Remote configuration: a provisioning server (RPS protocol 4.0.0) configures AMT through
// amtcfg's relay (`configure --server`, `maintain --server`, `unconfigure --server`).
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/http/server_channel.hpp"
#include "amtcfg/rps/message.hpp"
#include "amtcfg/rps/session.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/util/stream.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace amtcfg::flows {

enum class RemoteCommand { activate, deactivate, maintain };

struct RemoteOptions {
    RemoteCommand command = RemoteCommand::activate;
    std::string server; // the URL as given, for the result and messages
    http::ServerUrl url;
    std::string profile; // activate: the server's profile name
    std::string tenant_id;
    std::optional<std::string> friendly_name;
    // The admin password: required by deactivate and maintain, and by activate of a device that
    // is already activated (RPS checks it against the one it stored).
    std::optional<SecretSource> password;
    bool force = false; // deactivate -f
    rps::MaintenanceTask task = rps::MaintenanceTask::sync_clock;
    bool dry_run = false; // build and return the payload (password masked), connect to nothing
    std::string app_version;
    // Connects to the server (http::connect_server; tests may pass their own).
    std::function<std::unique_ptr<ByteChannel>()> connect;
    // Raw connections to local AMT (AmtLink::raw_channel).
    rps::AmtOpener amt;
};

struct RemoteResult {
    std::string command; // "activate", "deactivate", "maintenance"
    std::string server;
    std::string uuid;
    std::string control_mode_before; // "pre-provisioning", "ccm", "acm"
    std::string control_mode_after;  // read over MEI after the server said success
    bool dry_run = false;
    std::string payload; // --dry-run: the payload JSON, password masked
    std::string message; // the server's success message (RPS: a JSON status object as text)
    int relayed_requests = 0;
    bool tls_tunnel = false;
};

// Reads the device facts over MEI, connects, runs the session and checks the outcome over MEI.
// The server's `error` is Error(server_refused) with its message (a refused protocol version is
// server_unreachable); the rest as rps::run_session says.
RemoteResult run_remote(Environment& env, const RemoteOptions& options);

} // namespace amtcfg::flows
