// XmlReader: line numbers from pugixml offsets and the strict attribute and element checks.
#include "xml_reader.hpp"

#include "amtcfg/util/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <set>

namespace amtcfg::profile {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

std::string join(std::initializer_list<std::string_view> names) {
    std::string out;
    for (auto name : names) {
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

XmlReader::XmlReader(std::string_view text, std::string file_name)
    : m_text(text), m_file_name(std::move(file_name)),
      m_directory(std::filesystem::path(m_file_name).parent_path().string()) {}

int XmlReader::line_at(std::ptrdiff_t offset) const {
    auto end = static_cast<std::size_t>(
        std::clamp<std::ptrdiff_t>(offset, 0, static_cast<std::ptrdiff_t>(m_text.size())));
    return 1 + static_cast<int>(std::count(
                   m_text.begin(), m_text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

int XmlReader::line_of(pugi::xml_node node) const {
    return line_at(node.offset_debug());
}

// pugixml keeps offsets for nodes only; an attribute's line is found by scanning the start tag,
// so a diagnostic points at the attribute even when the tag spans several lines.
int XmlReader::line_of(pugi::xml_node node, std::string_view attribute) const {
    auto start = node.offset_debug();
    if (start < 0 || static_cast<std::size_t>(start) >= m_text.size()) {
        return line_of(node);
    }
    char quote = 0;
    for (auto i = static_cast<std::size_t>(start); i < m_text.size(); ++i) {
        char c = m_text[i];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            break;
        } else if (is_space(c) && m_text.substr(i + 1, attribute.size()) == attribute) {
            auto j = i + 1 + attribute.size();
            while (j < m_text.size() && is_space(m_text[j])) {
                ++j;
            }
            if (j < m_text.size() && m_text[j] == '=') {
                return line_at(static_cast<std::ptrdiff_t>(i + 1));
            }
        }
    }
    return line_of(node);
}

void XmlReader::fail(int line, const std::string& message) const {
    throw Error(ErrorCategory::invalid_input, fmt::format("{}:{}: {}", m_file_name, line, message));
}

void XmlReader::check_attributes(pugi::xml_node node,
                                 std::initializer_list<std::string_view> allowed) {
    std::set<std::string_view> seen;
    for (auto attribute : node.attributes()) {
        std::string_view name = attribute.name();
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string expected =
                allowed.size() == 0 ? "no attributes" : "expected " + join(allowed);
            fail(line_of(node, name),
                 fmt::format("unknown attribute \"{}\" on <{}> ({})", name, node.name(), expected));
        }
        if (!seen.insert(name).second) {
            fail(line_of(node, name),
                 fmt::format("attribute \"{}\" is given twice on <{}>", name, node.name()));
        }
    }
}

void XmlReader::check_children(pugi::xml_node node, std::initializer_list<std::string_view> allowed,
                               std::initializer_list<std::string_view> repeatable) {
    std::set<std::string_view> seen;
    for (auto child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            fail(child, fmt::format("unexpected text inside <{}> (expected {})", node.name(),
                                    allowed.size() == 0 ? "an empty element"
                                                        : "only the elements " + join(allowed)));
        }
        if (child.type() != pugi::node_element) {
            continue; // comments and processing instructions
        }
        std::string_view name = child.name();
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string expected =
                allowed.size() == 0 ? "no child elements" : "expected " + join(allowed);
            fail(child,
                 fmt::format("unknown element <{}> inside <{}> ({})", name, node.name(), expected));
        }
        bool may_repeat = std::find(repeatable.begin(), repeatable.end(), name) != repeatable.end();
        if (!seen.insert(name).second && !may_repeat) {
            fail(child, fmt::format("<{}> appears more than once inside <{}> (give it once)", name,
                                    node.name()));
        }
    }
}

std::optional<std::string> XmlReader::text(pugi::xml_node node, std::string_view name) {
    auto attribute = node.attribute(std::string(name).c_str());
    if (!attribute) {
        return std::nullopt;
    }
    return std::string(attribute.value());
}

std::string XmlReader::required(pugi::xml_node node, std::string_view name,
                                std::string_view expected) {
    auto value = text(node, name);
    if (!value) {
        fail(node, fmt::format("<{}> needs the attribute {} ({})", node.name(), name, expected));
    }
    if (value->empty()) {
        fail(line_of(node, name),
             fmt::format("{} on <{}> is empty (expected {})", name, node.name(), expected));
    }
    return *value;
}

std::optional<bool> XmlReader::boolean(pugi::xml_node node, std::string_view name) {
    auto value = text(node, name);
    if (!value) {
        return std::nullopt;
    }
    if (*value == "true" || *value == "false") {
        return *value == "true";
    }
    fail(line_of(node, name), fmt::format("invalid {}=\"{}\" on <{}> (expected true or false)",
                                          name, *value, node.name()));
}

std::optional<unsigned> XmlReader::number(pugi::xml_node node, std::string_view name,
                                          unsigned max) {
    auto value = text(node, name);
    if (!value) {
        return std::nullopt;
    }
    unsigned result = 0;
    const char* end = value->data() + value->size();
    auto [stop, ec] = std::from_chars(value->data(), end, result);
    if (ec != std::errc() || stop != end || value->empty() || result > max) {
        fail(line_of(node, name),
             fmt::format("invalid {}=\"{}\" on <{}> (expected a whole number from 0 to {})", name,
                         *value, node.name(), max));
    }
    return result;
}

std::string XmlReader::resolve_path(std::string_view path) const {
    std::filesystem::path value(path);
    if (value.is_absolute() || m_directory.empty()) {
        return std::string(path);
    }
    return (std::filesystem::path(m_directory) / value).string();
}

std::optional<std::string> XmlReader::path(pugi::xml_node node, std::string_view name) {
    auto value = text(node, name);
    if (!value) {
        return std::nullopt;
    }
    if (value->empty()) {
        fail(line_of(node, name),
             fmt::format("{} on <{}> is empty (expected a file path)", name, node.name()));
    }
    return resolve_path(*value);
}

std::optional<SecretSetting> XmlReader::secret(pugi::xml_node node, std::string_view name,
                                               RandomSource random) {
    auto value = text(node, name);
    if (!value) {
        return std::nullopt;
    }
    int line = line_of(node, name);
    std::string expected = random == RandomSource::allowed
                               ? "env:NAME, file:PATH, stdin, prompt or random"
                               : "env:NAME, file:PATH, stdin or prompt";
    SecretSource source = parse_secret_source(*value);
    switch (source.kind) {
    case SecretSourceKind::literal:
        // The value is never echoed: it may be the password itself.
        fail(line, fmt::format("{} on <{}> is not a secret source (expected {}); passwords "
                               "written into a profile are refused because profiles are copied "
                               "and shared",
                               name, node.name(), expected));
    case SecretSourceKind::env:
    case SecretSourceKind::file:
        if (source.location.empty()) {
            fail(line, fmt::format(
                           "{}=\"{}\" on <{}> names no {} (expected {})", name, *value, node.name(),
                           source.kind == SecretSourceKind::env ? "variable" : "file", expected));
        }
        if (source.kind == SecretSourceKind::file) {
            source.location = resolve_path(source.location);
        }
        break;
    case SecretSourceKind::random:
        if (random == RandomSource::refused) {
            fail(line, fmt::format("{}=\"random\" on <{}> cannot work: this secret unlocks "
                                   "something that already exists, so it cannot be generated "
                                   "(expected {})",
                                   name, node.name(), expected));
        }
        break;
    case SecretSourceKind::escrow:
        fail(line, fmt::format("{}=\"escrow:...\" on <{}> is not a profile source: escrow:FILE "
                               "names a device's current admin password for --password "
                               "(expected {})",
                               name, node.name(), expected));
    case SecretSourceKind::standard_input:
    case SecretSourceKind::prompt:
        break;
    }
    return SecretSetting{std::move(source), line};
}

} // namespace amtcfg::profile
