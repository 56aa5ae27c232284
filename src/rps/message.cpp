// Encoding and decoding of the RPS envelope, and the client's command lines.
#include "amtcfg/rps/message.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace amtcfg::rps {
namespace {

// The envelope's field names, in one table for both directions.
using Field = std::string Message::*;
constexpr std::array<std::pair<const char*, Field>, 9> k_fields{{
    {"method", &Message::method},
    {"apiKey", &Message::api_key},
    {"appVersion", &Message::app_version},
    {"protocolVersion", &Message::protocol_version},
    {"status", &Message::status},
    {"message", &Message::message},
    {"fqdn", &Message::fqdn},
    {"payload", &Message::payload},
    {"tenantId", &Message::tenant_id},
}};

std::string excerpt(std::string_view text) {
    constexpr std::size_t k_max = 80;
    std::string shown(text.substr(0, k_max));
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    return text.size() > k_max ? shown + "..." : shown;
}

Error not_a_message(std::string_view text, std::string_view why) {
    return Error(ErrorCategory::server_unreachable,
                 fmt::format("the server sent something that is not an RPS message ({}): {}", why,
                             excerpt(text)));
}

} // namespace

std::string encode(const Message& message) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [name, field] : k_fields) {
        object[name] = message.*field;
    }
    return object.dump();
}

Message decode(std::string_view text) {
    nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
    if (object.is_discarded()) {
        throw not_a_message(text, "not JSON");
    }
    if (!object.is_object()) {
        throw not_a_message(text, "not a JSON object");
    }
    Message message;
    message.api_key.clear();
    message.protocol_version.clear();
    for (const auto& [name, field] : k_fields) {
        auto found = object.find(name);
        if (found == object.end() || found->is_null()) {
            continue;
        }
        if (!found->is_string()) {
            throw not_a_message(text, fmt::format("\"{}\" is not a string", name));
        }
        message.*field = found->get<std::string>();
    }
    if (message.method.empty()) {
        throw not_a_message(text, "no \"method\"");
    }
    return message;
}

std::string activate_command(std::string_view profile) {
    return fmt::format("activate --profile {}", profile);
}

Secret deactivate_command(const Secret& password, bool force) {
    std::string line = "deactivate --password ";
    append_wiping_old(line, password.reveal());
    if (force) {
        append_wiping_old(line, " -f");
    }
    return Secret(std::move(line));
}

std::string_view task_option(MaintenanceTask task) {
    switch (task) {
    case MaintenanceTask::sync_clock:
        return "synctime";
    case MaintenanceTask::sync_hostname:
        return "synchostname";
    case MaintenanceTask::sync_ip:
        return "syncip";
    case MaintenanceTask::sync_device_info:
        return "syncdeviceinfo";
    case MaintenanceTask::change_password:
        return "changepassword";
    }
    return "";
}

Secret maintenance_command(const Secret& password, MaintenanceTask task) {
    std::string line = "maintenance --password ";
    append_wiping_old(line, password.reveal());
    append_wiping_old(line, " --");
    append_wiping_old(line, task_option(task));
    return Secret(std::move(line));
}

} // namespace amtcfg::rps
