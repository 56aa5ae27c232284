// Remote configuration from the command line: a provisioning server drives AMT through amtcfg.
#include "remote.hpp"

#include "build_info.hpp"
#include "flow_environment.hpp"

#include "amtcfg/http/server_channel.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {
namespace {

nlohmann::json to_json(const flows::RemoteResult& r) {
    nlohmann::json json = {{"server", r.server},
                           {"command", r.command},
                           {"uuid", r.uuid},
                           {"control_mode_before", r.control_mode_before},
                           {"control_mode", r.control_mode_after},
                           {"dry_run", r.dry_run},
                           {"relayed_requests", r.relayed_requests},
                           {"tls_tunnel", r.tls_tunnel}};
    if (r.dry_run) {
        json["payload"] = nlohmann::json::parse(r.payload);
        return json;
    }
    // RPS's status is a JSON object as text; anything else is kept as the text it is.
    nlohmann::json status = nlohmann::json::parse(r.message, nullptr, false);
    json["status"] = status.is_discarded() ? nlohmann::json(r.message) : status;
    return json;
}

// RPS's status object as lines ("Status: ...", "Network: ..."), or its text.
std::string status_text(const std::string& message) {
    nlohmann::json status = nlohmann::json::parse(message, nullptr, false);
    if (!status.is_object()) {
        return message.empty() ? std::string() : fmt::format("  {}\n", message);
    }
    std::string text;
    for (const auto& [key, value] : status.items()) {
        text += fmt::format("  {}: {}\n", key,
                            value.is_string() ? value.get<std::string>() : value.dump());
    }
    return text;
}

std::string to_text(const flows::RemoteResult& r) {
    if (r.dry_run) {
        return fmt::format("dry run: nothing was sent. The {} request to {} would carry:\n{}\n",
                           r.command, r.server, nlohmann::json::parse(r.payload).dump(2));
    }
    std::string text = fmt::format("{} through {} succeeded ({} -> {}, {} relayed requests{}).\n",
                                   r.command, r.server, r.control_mode_before, r.control_mode_after,
                                   r.relayed_requests, r.tls_tunnel ? ", TLS tunnel" : "");
    return text + status_text(r.message);
}

} // namespace

void add_remote_options(CLI::App& command, RemoteArgs& args, bool activation) {
    command
        .add_option("--server", args.server,
                    "ask this provisioning server (RPS protocol 4.0.0, ws:// or wss://) to do it")
        ->type_name("URL");
    command
        .add_option("--proxy", args.proxy,
                    "HTTP proxy to reach --server through (default: https_proxy, http_proxy, "
                    "no_proxy from the environment)")
        ->type_name("URL");
    command
        .add_option("--server-ca", args.server_ca,
                    "trust these CA certificates (PEM) for a wss:// server instead of the system's")
        ->type_name("FILE");
    command.add_flag("--server-insecure", args.server_insecure,
                     "do not verify the wss:// server's certificate (warned about)");
    if (activation) {
        command.add_option("--tenant", args.tenant, "the server's tenant ID")->type_name("ID");
        command
            .add_option("--friendly-name", args.friendly_name,
                        "a name for this device on the server")
            ->type_name("NAME");
    }
}

int run_remote_command(Session& session, const RemoteArgs& args, flows::RemoteOptions options) {
    http::ServerOptions server;
    server.url = http::parse_server_url(args.server);
    server.proxy = args.proxy;
    server.ca_file = args.server_ca;
    server.insecure = args.server_insecure;
    if (server.insecure) {
        session.log.warning("--server-insecure: the server's certificate is not verified; anyone "
                            "between here and {} can pose as it",
                            server.url.host);
    }
    options.server = args.server;
    options.url = server.url;
    options.tenant_id = args.tenant;
    if (!args.friendly_name.empty()) {
        options.friendly_name = args.friendly_name;
    }
    options.app_version = std::string(build_info().version);
    FlowEnvironment environment(session);
    options.connect = [&server, &session] {
        return http::connect_server(server, session.deadline, session.log);
    };
    options.amt = [&environment](std::uint16_t port) {
        return environment.link().raw_channel(port);
    };
    auto result = flows::run_remote(environment.get(), options);
    session.output.result(to_json(result), to_text(result));
    return 0;
}

} // namespace amtcfg::cli
