// The <tls> and <users> sections of a profile (<issuer> and the names are in parse_issuer.cpp).
#include "sections.hpp"

#include <set>

namespace amtcfg::profile {

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        auto item = text.substr(start, comma == std::string_view::npos ? text.size() - start
                                                                       : comma - start);
        auto first = item.find_first_not_of(' ');
        auto last = item.find_last_not_of(' ');
        out.emplace_back(first == std::string_view::npos ? ""
                                                         : item.substr(first, last - first + 1));
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

namespace {

std::vector<Realm> realms(XmlReader& xml, pugi::xml_node node) {
    std::string text = xml.required(node, "realms", "a comma-separated list of realms");
    int line = xml.line_of(node, "realms");
    std::vector<Realm> out;
    for (const auto& name : split_list(text)) {
        auto found = std::find_if(k_realms.begin(), k_realms.end(),
                                  [&](const auto& entry) { return entry.name == name; });
        if (found == k_realms.end()) {
            xml.fail(line, fmt::format("unknown realm \"{}\" in realms on <user> (expected a "
                                       "comma-separated list of {})",
                                       name, XmlReader::names_of(k_realms)));
        }
        if (std::find(out.begin(), out.end(), found->value) != out.end()) {
            xml.fail(line, fmt::format("realm \"{}\" is listed twice on <user>", name));
        }
        out.push_back(found->value);
    }
    return out;
}

// AMT digest user names (Intel AMT SDK "Valid Usernames and Passwords"; Intel SCS ACL help).
void check_user_name(XmlReader& xml, pugi::xml_node node, const std::string& name) {
    constexpr std::size_t k_max_name = 16;
    bool printable = std::all_of(name.begin(), name.end(), [](char c) {
        return c >= 33 && c <= 126 && std::string_view(":,<>&\"").find(c) == std::string_view::npos;
    });
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (name.size() > k_max_name || !printable || name.rfind("$$", 0) == 0 || lower == "admin" ||
        lower == "administrator") {
        xml.fail(xml.line_of(node, "name"),
                 fmt::format("invalid user name \"{}\" (expected at most 16 printable ASCII "
                             "characters without spaces or : , < > & \", not starting with $$, "
                             "and not admin or administrator, which AMT reserves)",
                             name));
    }
}

User user(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"name", "password-source", "realms"});
    xml.check_children(node, {});
    User out;
    out.line = xml.line_of(node);
    out.name = xml.required(node, "name", "the AMT user name");
    check_user_name(xml, node, out.name);
    xml.required(node, "password-source", "a secret source such as env:NAME or file:PATH");
    out.password = *xml.secret(node, "password-source", RandomSource::allowed);
    out.realms = realms(xml, node);
    return out;
}

} // namespace

Tls parse_tls(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(
        node, {"mode", "allow-non-tls", "trusted-root", "trusted-cn", "common-name", "dns-names"});
    xml.check_children(node, {"issuer"});
    Tls out;
    out.line = xml.line_of(node);
    xml.required(node, "mode", XmlReader::names_of(k_tls_modes));
    out.mode = *xml.choice(node, "mode", k_tls_modes);
    out.allow_non_tls = xml.boolean(node, "allow-non-tls").value_or(false);
    out.trusted_root = xml.path(node, "trusted-root").value_or("");
    if (auto names = xml.text(node, "trusted-cn")) {
        out.trusted_cn = split_list(*names);
        if (std::find(out.trusted_cn.begin(), out.trusted_cn.end(), "") != out.trusted_cn.end()) {
            xml.fail(xml.line_of(node, "trusted-cn"),
                     "trusted-cn on <tls> has an empty name (expected a comma-separated list of "
                     "client certificate common names)");
        }
    }
    parse_names(xml, node, out);
    auto issuer_node = node.child("issuer");
    if (!issuer_node) {
        xml.fail(node, "<tls> needs an <issuer type=\"file|scep|cmp|exec\" .../> (where AMT's "
                       "TLS certificate comes from)");
    }
    out.issuer = parse_issuer(xml, issuer_node);
    return out;
}

std::vector<User> parse_users(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {});
    xml.check_children(node, {"user"}, {"user"});
    std::vector<User> out;
    std::set<std::string> names;
    for (auto child : node.children("user")) {
        out.push_back(user(xml, child));
        if (!names.insert(out.back().name).second) {
            xml.fail(child, fmt::format("user \"{}\" is defined twice (give each user once)",
                                        out.back().name));
        }
    }
    return out;
}

} // namespace amtcfg::profile
