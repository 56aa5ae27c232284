// Rendering and parsing of PID/PPS lists (CSV and JSON) for provisioning servers.
#include "amtcfg/psk/psk_list.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

namespace amtcfg::psk {

namespace {

constexpr std::string_view k_csv_header = "pid,pps";

PskPair checked_pair(std::string_view pid, std::string_view pps, const std::string& where) {
    try {
        return PskPair{parse_pid(pid), parse_pps(pps)};
    } catch (const Error& e) {
        throw e.with_context(where);
    }
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<PskPair> parse_csv(std::string_view text) {
    std::vector<PskPair> pairs;
    std::size_t line_number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#' || (line_number == 1 && line == k_csv_header)) {
            continue;
        }
        auto comma = line.find(',');
        if (comma == std::string_view::npos) {
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("PID/PPS list line {}: expected \"PID,PPS\"", line_number));
        }
        pairs.push_back(checked_pair(trim(line.substr(0, comma)), trim(line.substr(comma + 1)),
                                     fmt::format("PID/PPS list line {}", line_number)));
    }
    return pairs;
}

std::vector<PskPair> parse_json(std::string_view text) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("pairs") ||
        !doc["pairs"].is_array()) {
        throw Error(ErrorCategory::invalid_input,
                    "the PID/PPS list is not JSON of the form {\"pairs\": [{\"pid\": ..., "
                    "\"pps\": ...}]}");
    }
    std::vector<PskPair> pairs;
    std::size_t index = 0;
    for (auto& entry : doc["pairs"]) {
        ++index;
        std::string where = fmt::format("PID/PPS list entry {}", index);
        if (!entry.is_object() || !entry.contains("pid") || !entry.contains("pps") ||
            !entry["pid"].is_string() || !entry["pps"].is_string()) {
            throw Error(ErrorCategory::invalid_input,
                        where + ": expected an object with string members pid and pps");
        }
        auto& pps = entry["pps"].get_ref<std::string&>();
        pairs.push_back(checked_pair(entry["pid"].get_ref<const std::string&>(), pps, where));
        wipe_string(pps);
    }
    return pairs;
}

} // namespace

std::optional<PskListFormat> parse_psk_list_format(std::string_view name) {
    if (name == "csv") {
        return PskListFormat::csv;
    }
    if (name == "json") {
        return PskListFormat::json;
    }
    return std::nullopt;
}

Secret render_psk_list(const std::vector<PskPair>& pairs, PskListFormat format) {
    std::string out;
    if (format == PskListFormat::csv) {
        out = std::string(k_csv_header) + "\n";
        for (const auto& pair : pairs) {
            out += display_pid(pair.pid) + "," + display_pps(pair.pps.reveal()) + "\n";
        }
        return Secret(std::move(out));
    }
    // Both values are [A-Z0-9-] only, so no JSON escaping is needed.
    out = "{\n  \"pairs\": [";
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        out += fmt::format("{}\n    {{\"pid\": \"{}\", \"pps\": \"{}\"}}", i == 0 ? "" : ",",
                           display_pid(pairs[i].pid), display_pps(pairs[i].pps.reveal()));
    }
    out += pairs.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return Secret(std::move(out));
}

std::vector<PskPair> parse_psk_list(std::string_view text) {
    std::string_view body = trim(text);
    while (!body.empty() && (body.front() == '\n' || body.front() == '\r')) {
        body.remove_prefix(1);
    }
    auto pairs = !body.empty() && body.front() == '{' ? parse_json(text) : parse_csv(text);
    if (pairs.empty()) {
        throw Error(ErrorCategory::invalid_input, "the PID/PPS list holds no pairs");
    }
    std::set<std::string> seen;
    for (const auto& pair : pairs) {
        if (!seen.insert(pair.pid).second) {
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("the PID/PPS list has PID {} twice; each device needs its own "
                                    "pair",
                                    display_pid(pair.pid)));
        }
    }
    return pairs;
}

} // namespace amtcfg::psk
