// Remote configuration through a provisioning server: facts, first message, relay, check.
#include "amtcfg/flows/remote.hpp"

#include "amtcfg/amthi/client.hpp"
#include "amtcfg/crypto/random.hpp"
#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/info.hpp"
#include "amtcfg/rps/payload.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace amtcfg::flows {
namespace {

// RPS closes the connection over 100 KB; amtcfg allows more from the server, but not without end.
constexpr std::size_t k_max_server_message = 1024 * 1024;

std::string_view command_name(RemoteCommand command) {
    switch (command) {
    case RemoteCommand::activate:
        return "activate";
    case RemoteCommand::deactivate:
        return "deactivate";
    case RemoteCommand::maintain:
        return "maintenance";
    }
    return "";
}

// The payload's IP configuration: AMT's wired interface, with the OS's view of it.
rps::IpConfiguration ip_configuration(Environment& env, const InfoResult& facts) {
    rps::IpConfiguration ip;
    auto wired = std::find_if(facts.lan.begin(), facts.lan.end(), [](const LanInfo& lan) {
        return lan.index == amthi::LanInterfaceIndex::wired;
    });
    if (wired == facts.lan.end()) {
        return ip;
    }
    ip.dhcp = wired->settings.dhcp_enabled;
    ip.is_static = !ip.dhcp;
    if (wired->settings.ipv4 != 0) {
        ip.ip_address = amthi::format_ipv4(wired->settings.ipv4);
    }
    if (auto os = env.os.address_of(wired->settings.mac)) {
        if (ip.ip_address.empty()) {
            ip.ip_address = os->ip;
        }
        ip.netmask = os->subnet_mask;
        ip.gateway = os->gateway;
        ip.primary_dns = os->primary_dns;
        ip.secondary_dns = os->secondary_dns;
    }
    return ip;
}

// RPS splits the command line on spaces (minimist), so a password with white space in it
// would arrive cut; refuse it here rather than have the server refuse a wrong password.
void check_command_line_password(const Secret& password) {
    const std::string& text = password.reveal();
    if (std::any_of(text.begin(), text.end(),
                    [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
        throw Error(ErrorCategory::usage,
                    "the admin password contains white space, which the RPS protocol's command "
                    "line cannot carry; change it locally first (amtcfg maintain "
                    "--rotate-password)");
    }
}

struct Credentials {
    std::string username;
    Secret password;
};

// The payload's user and password: the local system account (read with the facts) before
// activation, the admin password after.
Credentials credentials(Environment& env, const RemoteOptions& options, const InfoResult& facts,
                        amthi::LocalSystemAccount lsa) {
    bool activated = facts.control_mode != amthi::ControlMode::pre_provisioning;
    if (!activated) {
        if (options.command != RemoteCommand::activate) {
            throw Error(ErrorCategory::wrong_state,
                        fmt::format("AMT is not activated, so there is nothing to {}",
                                    options.command == RemoteCommand::deactivate ? "unconfigure"
                                                                                 : "maintain"));
        }
        return {std::move(lsa.username), std::move(lsa.password)};
    }
    if (!options.password) {
        throw Error(ErrorCategory::usage,
                    fmt::format("AMT is already activated ({}): give its admin password with "
                                "--password SOURCE, which the server checks against the one it "
                                "stored",
                                amthi::control_mode_name(facts.control_mode)));
    }
    Secret password = read_admin_password(env, *options.password, facts.uuid);
    check_command_line_password(password);
    return {std::move(lsa.username), std::move(password)};
}

rps::DevicePayload device_payload(Environment& env, const RemoteOptions& options,
                                  const InfoResult& facts, Credentials identity) {
    rps::DevicePayload payload;
    payload.version = facts.version;
    payload.build = facts.build;
    payload.sku = facts.sku;
    payload.features = fmt::format("{}", fmt::join(facts.features, ", "));
    payload.uuid = facts.uuid;
    payload.username = std::move(identity.username);
    payload.password = std::move(identity.password);
    payload.current_mode = static_cast<int>(facts.control_mode);
    payload.hostname = env.os.hostname();
    payload.dns_suffix_os = env.os.domain();
    std::string suffix = facts.dns_suffix;
    while (!suffix.empty() && suffix.back() == '.') {
        suffix.pop_back();
    }
    payload.fqdn = suffix.empty() ? payload.dns_suffix_os : suffix;
    for (const auto& entry : facts.cert_hashes) {
        payload.cert_hashes.push_back(to_hex(entry.hash));
    }
    payload.ip = ip_configuration(env, facts);
    payload.friendly_name = options.friendly_name;
    payload.tls_enforced = facts.tls_enforced;
    // On AMT that takes only TLS locally, the server must run TLS itself through the tunnel.
    payload.tls_tunnel = facts.tls_enforced;
    payload.progress_supported = true;
    return payload;
}

Secret command_line(const RemoteOptions& options, const Secret& password) {
    switch (options.command) {
    case RemoteCommand::activate:
        return Secret(rps::activate_command(options.profile));
    case RemoteCommand::deactivate:
        return rps::deactivate_command(password, options.force);
    case RemoteCommand::maintain:
        return rps::maintenance_command(password, options.task);
    }
    return {};
}

// RPS answers an incompatible protocolVersion with an error naming it (Validator.ts).
bool refuses_protocol_version(std::string_view message) {
    std::string lower(message);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("protocol version") != std::string::npos;
}

// Confirms over MEI what the server said it did (DESIGN.md section 6).
void confirm_over_mei(Environment& env, const RemoteOptions& options, RemoteResult& result) {
    amthi::ControlMode mode;
    {
        amthi::Client amthi(env.device, env.deadline);
        mode = amthi.get_control_mode();
    }
    result.control_mode_after = std::string(amthi::control_mode_name(mode));
    bool activated = mode != amthi::ControlMode::pre_provisioning;
    if (options.command == RemoteCommand::activate && !activated) {
        throw Error(ErrorCategory::activation_failed,
                    fmt::format("the provisioning server said success after {} relayed "
                                "requests, but AMT reports that it is not activated",
                                result.relayed_requests));
    }
    if (options.command == RemoteCommand::deactivate && activated) {
        throw Error(ErrorCategory::unconfigure_failed,
                    fmt::format("the provisioning server said success, but AMT is still "
                                "activated in {}",
                                result.control_mode_after));
    }
}

} // namespace

RemoteResult run_remote(Environment& env, const RemoteOptions& options) {
    RemoteResult result;
    result.command = std::string(command_name(options.command));
    result.server = options.server;
    result.dry_run = options.dry_run;
    amthi::LocalSystemAccount lsa;
    InfoResult facts = read_device_facts(env.device, env.deadline, [&lsa](amthi::Client& amthi) {
        lsa = amthi.get_local_system_account();
    });
    result.uuid = facts.uuid;
    result.control_mode_before = std::string(amthi::control_mode_name(facts.control_mode));
    rps::DevicePayload payload =
        device_payload(env, options, facts, credentials(env, options, facts, std::move(lsa)));
    if (options.dry_run) {
        result.payload = rps::payload_json(payload, true).reveal();
        result.control_mode_after = result.control_mode_before;
        return result;
    }
    env.log.add_secret(payload.password.reveal());
    Secret line = command_line(options, payload.password);
    Secret text = rps::payload_json(payload, false);

    auto channel = options.connect();
    ws::Connection server(
        *channel, env.deadline,
        [](std::uint8_t* out, std::size_t size) {
            Bytes random = crypto::random_bytes(size);
            std::memcpy(out, random.data(), size);
        },
        ws::Limits{.max_message = k_max_server_message});
    server.open(options.url.host_header(), options.url.path);
    env.log.debug("rps: connected to {}", channel->describe());

    rps::SessionOptions session;
    session.app_version = options.app_version;
    session.tenant_id = options.tenant_id;
    session.fqdn = payload.fqdn;
    session.progress = env.progress;
    session.amt_tls_only = facts.tls_enforced;
    rps::Outcome outcome =
        rps::run_session(server, line, text, options.amt, session, env.deadline, env.log);
    result.relayed_requests = outcome.relayed_requests;
    if (outcome.relayed_requests > 0) {
        env.log.info("rps: {} relayed requests: AMT {:.1f} ms, the relay {:.2f} ms ({:.3f} ms per "
                     "request)",
                     outcome.relayed_requests, outcome.amt_ms, outcome.relay_ms,
                     outcome.relay_ms / outcome.relayed_requests);
    }
    result.tls_tunnel = outcome.tls_tunnel;
    if (!outcome.success) {
        // The server's words go to a terminal: no control characters.
        std::string said =
            outcome.message.empty() ? "no reason given" : strip_controls(outcome.message);
        throw Error(refuses_protocol_version(said) ? ErrorCategory::server_unreachable
                                                   : ErrorCategory::server_refused,
                    fmt::format("the provisioning server {} refused to {}: {}", options.server,
                                result.command, said));
    }
    result.message = outcome.message;
    confirm_over_mei(env, options, result);
    return result;
}

} // namespace amtcfg::flows
