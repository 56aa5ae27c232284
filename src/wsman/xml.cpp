// Element tree access and the namespace-aware reader (on pugixml).
#include "amtcfg/wsman/xml.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

#include <algorithm>
#include <utility>

namespace amtcfg::wsman {

namespace {

// Deeper than any WS-Man body (an EPR inside a selector inside an EPR is about 8 levels);
// the limit keeps hostile input from exhausting the stack of the recursive conversion.
constexpr int k_max_depth = 64;
constexpr std::string_view k_xml_ns = "http://www.w3.org/XML/1998/namespace";

} // namespace

const Element* Element::find(std::string_view child_ns, std::string_view child_name) const {
    for (const auto& c : children) {
        if (c.name == child_name && c.ns == child_ns) {
            return &c;
        }
    }
    return nullptr;
}

Element* Element::find(std::string_view child_ns, std::string_view child_name) {
    return const_cast<Element*>(std::as_const(*this).find(child_ns, child_name));
}

std::vector<const Element*> Element::find_all(std::string_view child_ns,
                                              std::string_view child_name) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
        if (c.name == child_name && c.ns == child_ns) {
            out.push_back(&c);
        }
    }
    return out;
}

std::string Element::property(std::string_view child_name, std::string_view fallback) const {
    const Element* c = find(ns, child_name);
    return c != nullptr ? c->text : std::string(fallback);
}

bool Element::has_property(std::string_view child_name) const {
    return find(ns, child_name) != nullptr;
}

Element& Element::set_property(std::string_view child_name, std::string_view value) {
    if (Element* c = find(ns, child_name)) {
        c->text = std::string(value);
        c->children.clear();
        return *c;
    }
    return add(ns, child_name, value);
}

std::size_t Element::remove_property(std::string_view child_name) {
    return std::erase_if(children,
                         [&](const Element& c) { return c.name == child_name && c.ns == ns; });
}

std::string_view Element::attribute(std::string_view attribute_name) const {
    for (const auto& a : attributes) {
        if (a.ns.empty() && a.name == attribute_name) {
            return a.value;
        }
    }
    return {};
}

Element& Element::add(std::string_view child_ns, std::string_view child_name,
                      std::string_view child_text) {
    Element& c = children.emplace_back();
    c.ns = std::string(child_ns);
    c.name = std::string(child_name);
    c.text = std::string(child_text);
    return c;
}

void wipe(Element& element) noexcept {
    wipe_string(element.text);
    for (auto& a : element.attributes) {
        wipe_string(a.value);
    }
    for (auto& c : element.children) {
        wipe(c);
    }
}

// ---- reading ----

namespace {

using Scope = std::vector<std::pair<std::string, std::string>>; // prefix -> namespace URI

std::string resolve(const Scope& scope, std::string_view prefix, bool for_attribute) {
    if (prefix == "xml") {
        return std::string(k_xml_ns);
    }
    if (prefix.empty() && for_attribute) {
        return {};
    }
    for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
        if (it->first == prefix) {
            return it->second;
        }
    }
    if (prefix.empty()) {
        return {};
    }
    throw DecodeError(fmt::format("undeclared namespace prefix '{}'", prefix));
}

std::pair<std::string_view, std::string_view> split_qname(std::string_view qname) {
    auto colon = qname.find(':');
    if (colon == std::string_view::npos) {
        return {{}, qname};
    }
    return {qname.substr(0, colon), qname.substr(colon + 1)};
}

Element convert(const pugi::xml_node& node, Scope& scope, int depth) {
    if (depth > k_max_depth) {
        throw DecodeError("elements nest too deeply");
    }
    std::size_t scope_size = scope.size();
    for (auto a : node.attributes()) {
        std::string_view name = a.name();
        if (name == "xmlns") {
            scope.emplace_back("", a.value());
        } else if (name.starts_with("xmlns:")) {
            scope.emplace_back(std::string(name.substr(6)), a.value());
        }
    }
    Element out;
    auto [prefix, local] = split_qname(node.name());
    out.ns = resolve(scope, prefix, false);
    out.name = std::string(local);
    for (auto a : node.attributes()) {
        std::string_view name = a.name();
        if (name == "xmlns" || name.starts_with("xmlns:")) {
            continue;
        }
        auto [aprefix, alocal] = split_qname(name);
        out.attributes.push_back({resolve(scope, aprefix, true), std::string(alocal), a.value()});
    }
    for (auto c : node.children()) {
        if (c.type() == pugi::node_element) {
            out.children.push_back(convert(c, scope, depth + 1));
        } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            out.text += c.value();
        }
    }
    scope.resize(scope_size);
    return out;
}

} // namespace

Element parse_xml(std::string_view text) {
    pugi::xml_document doc;
    auto result =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        throw DecodeError(fmt::format("not well-formed XML at offset {}: {}", result.offset,
                                      result.description()));
    }
    pugi::xml_node root = doc.document_element();
    if (!root) {
        throw DecodeError("no root element");
    }
    Scope scope;
    return convert(root, scope, 0);
}

} // namespace amtcfg::wsman
