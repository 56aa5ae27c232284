// Shared pieces of the class handlers: Put validation, method-argument parsing, base64.
#include "wsman/classes.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace amtcfg::sim {
namespace {

bool parse_uint(std::string_view text, std::uint64_t max) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value <= max;
}

bool in_allowed(std::string_view allowed, std::string_view value) {
    while (!allowed.empty()) {
        auto bar = allowed.find('|');
        if (allowed.substr(0, bar) == value) {
            return true;
        }
        allowed.remove_prefix(bar == std::string_view::npos ? allowed.size() : bar + 1);
    }
    return false;
}

const PropRule* find_rule(std::span<const PropRule> rules, std::string_view name) {
    for (const auto& rule : rules) {
        if (rule.name == name) {
            return &rule;
        }
    }
    return nullptr;
}

bool valid_ipv4(std::string_view text) {
    for (int part = 0; part < 4; ++part) {
        auto dot = text.find('.');
        if ((part < 3) == (dot == std::string_view::npos) ||
            !parse_uint(text.substr(0, dot), 255)) {
            return false;
        }
        text.remove_prefix(dot == std::string_view::npos ? text.size() : dot + 1);
    }
    return true;
}

// RFC 1123 labels; AMT limits HostName to 63 characters and DomainName to 255.
bool valid_hostname(std::string_view text) {
    if (text.size() > 255) {
        return false;
    }
    std::size_t label = 0;
    for (char c : text) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
        label = c == '.' ? 0 : label + 1;
        if ((!ok && c != '.') || label > 63) {
            return false;
        }
    }
    return true;
}

} // namespace

bool valid_value(const PropRule& rule, std::string_view value) {
    if (!rule.allowed.empty() && !in_allowed(rule.allowed, value)) {
        return false;
    }
    switch (rule.kind) {
    case PropKind::boolean:
        return value == "true" || value == "false";
    case PropKind::uint8:
        return parse_uint(value, 0xFF);
    case PropKind::uint16:
        return parse_uint(value, 0xFFFF);
    case PropKind::uint32:
        return parse_uint(value, 0xFFFFFFFF);
    case PropKind::int32: {
        auto digits = value.substr(!value.empty() && value.front() == '-' ? 1 : 0);
        return parse_uint(digits, std::numeric_limits<std::int32_t>::max());
    }
    case PropKind::base64:
        return base64_decode(value).has_value();
    case PropKind::string:
        return value.size() <= 256;
    case PropKind::ipv4:
        return valid_ipv4(value);
    case PropKind::hostname:
        return valid_hostname(value);
    }
    return false;
}

Instance merge_put(const Instance& current, const Instance& incoming,
                   std::span<const PropRule> rules) {
    Instance merged = current;
    std::vector<std::string> seen;
    for (const auto& [name, value] : incoming.properties()) {
        const auto* rule = find_rule(rules, name);
        if (rule == nullptr) {
            throw WsmanFault(fault::invalid_representation, "unknown property " + name);
        }
        if (!valid_value(*rule, value)) {
            throw WsmanFault(fault::invalid_representation, "invalid value for " + name);
        }
        if (rule->access == Access::read_only ||
            std::find(seen.begin(), seen.end(), name) != seen.end()) {
            continue;
        }
        seen.push_back(name);
        merged.set_values(name, incoming.values(name));
    }
    return merged;
}

std::optional<std::uint32_t> uint_arg(const MethodInput& input, std::string_view name) {
    auto text = input.get(name);
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!input.has(name) || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::vector<std::uint8_t>> base64_arg(const MethodInput& input,
                                                    std::string_view name) {
    if (!input.has(name)) {
        return std::nullopt;
    }
    return base64_decode(input.get(name));
}

std::string base64_encode(std::span<const std::uint8_t> data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(size));
    return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) {
        return text.empty() ? std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{})
                            : std::nullopt;
    }
    std::vector<std::uint8_t> out(text.size() / 4 * 3);
    auto size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
    if (size < 0) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(size) - (text.ends_with("==")  ? 2
                                                 : text.ends_with("=") ? 1
                                                                       : 0));
    return out;
}

std::string reference_xml(std::string_view resource_uri,
                          const std::vector<std::pair<std::string, std::string>>& selectors) {
    std::string set;
    for (const auto& [name, value] : selectors) {
        set += fmt::format("<c:Selector Name=\"{}\">{}</c:Selector>", name, xml_escape(value));
    }
    return fmt::format("<b:Address>{}</b:Address><b:ReferenceParameters><c:ResourceURI>{}"
                       "</c:ResourceURI><c:SelectorSet>{}</c:SelectorSet></b:ReferenceParameters>",
                       ns::anonymous, resource_uri, set);
}

std::string bool_text(bool value) {
    return value ? "true" : "false";
}

std::vector<Instance> stored_instances(const DeviceState& state, std::string_view class_name) {
    auto found = state.wsman.classes.find(class_name);
    return found == state.wsman.classes.end() ? std::vector<Instance>{} : found->second;
}

// Replaces the stored instance with the same InstanceID (or the singleton).
void put_stored(CallContext& context, const Instance& current, const Instance& merged) {
    auto& instances = context.state.wsman.classes[std::string(context.class_name)];
    for (auto& instance : instances) {
        if (instance.get("InstanceID") == current.get("InstanceID")) {
            instance = merged;
            return;
        }
    }
    throw WsmanFault(fault::internal_error, "instance vanished");
}

} // namespace amtcfg::sim
