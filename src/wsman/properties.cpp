// Typed property readers shared by the per-class calls.
#include "properties.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/wsman/schema.hpp"

#include <fmt/format.h>

#include <charconv>

namespace amtcfg::wsman::detail {

namespace {

std::string_view trim(std::string_view s) {
    constexpr std::string_view k_space = " \t\r\n";
    auto first = s.find_first_not_of(k_space);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(k_space) - first + 1);
}

Error bad_value(const Element& instance, std::string_view name, std::string_view text,
                std::string_view expected) {
    return Error(ErrorCategory::amt_unavailable,
                 fmt::format("AMT sent {}.{} = '{}', which is not {}", instance.name, name,
                             text.substr(0, 40), expected));
}

std::uint32_t to_u32(const Element& instance, std::string_view name, std::string_view raw) {
    auto text = trim(raw);
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        throw bad_value(instance, name, text, "a number");
    }
    return value;
}

} // namespace

bool bool_property(const Element& instance, std::string_view name) {
    const Element* e = instance.find(instance.ns, name);
    if (e == nullptr) {
        return false;
    }
    auto text = trim(e->text);
    if (text == "true" || text == "1") {
        return true;
    }
    if (text == "false" || text == "0") {
        return false;
    }
    throw bad_value(instance, name, text, "a boolean");
}

std::uint32_t u32_property(const Element& instance, std::string_view name) {
    const Element* e = instance.find(instance.ns, name);
    return e == nullptr ? 0 : to_u32(instance, name, e->text);
}

std::vector<std::uint32_t> u32_list(const Element& instance, std::string_view name) {
    std::vector<std::uint32_t> out;
    for (const Element* e : instance.find_all(instance.ns, name)) {
        out.push_back(to_u32(instance, name, e->text));
    }
    return out;
}

std::string bool_text(bool value) {
    return value ? "true" : "false";
}

MethodResult invoke_secret(Client& client, std::string_view class_name, std::string_view method,
                           std::vector<std::pair<std::string, std::string>> arguments) {
    auto wipe_arguments = [&] {
        for (auto& argument : arguments) {
            wipe_string(argument.second);
        }
    };
    try {
        MethodResult r = client.invoke(class_uri(class_name), method, arguments);
        wipe_arguments();
        return r;
    } catch (...) {
        wipe_arguments();
        throw;
    }
}

Element instance(const Envelope& envelope, std::string_view class_name) {
    return instance_of(envelope, class_uri(class_name));
}

} // namespace amtcfg::wsman::detail
