// The RPS protocol 4.0.0 envelope (reference/rps-protocol.md sections 1 and 2): one JSON object
// per WebSocket text message, the same shape in both directions.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <string>
#include <string_view>

namespace amtcfg::rps {

inline constexpr std::string_view k_protocol_version = "4.0.0";

struct Message {
    std::string method;
    std::string api_key = "key"; // neither side checks it
    std::string app_version;
    std::string protocol_version{k_protocol_version};
    std::string status;
    std::string message;
    std::string fqdn;
    std::string payload; // base64
    std::string tenant_id;
};

// The JSON text of `message`. The first message of a session carries credentials (in the
// command line and the payload): callers keep that text in a Secret.
std::string encode(const Message& message);

// Reads a message from the server. Anything that is not a JSON object with a string `method`
// is Error(server_unreachable) saying what came instead; absent fields are empty, and fields of
// another type than string are refused the same way.
Message decode(std::string_view text);

// The command lines the client puts into `method` of its first message (reference section 2;
// RPS parses them with minimist, so options are written "--name value").
enum class MaintenanceTask {
    sync_clock,
    sync_hostname,
    sync_ip,
    sync_device_info,
    change_password
};

std::string activate_command(std::string_view profile);
// "deactivate --password P [-f]": the password is in it, so it is a Secret.
Secret deactivate_command(const Secret& password, bool force);
// "maintenance --password P --synctime" and the like.
Secret maintenance_command(const Secret& password, MaintenanceTask task);
// The option name of a task on the wire ("synctime" for sync_clock).
std::string_view task_option(MaintenanceTask task);

} // namespace amtcfg::rps
