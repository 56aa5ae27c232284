// A namespace-resolved XML element tree: what WS-Man bodies are parsed into and built from.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

struct Attribute {
    std::string ns; // namespace URI; empty for unqualified attributes such as Selector Name
    std::string name;
    std::string value;
};

// One element with its namespace URI (not its prefix: peers use a:, s:, wsa: or a default
// namespace for the same thing), local name, character content and children in document order.
struct Element {
    std::string ns;
    std::string name;
    std::string text;
    std::vector<Attribute> attributes;
    std::vector<Element> children;

    // The first child with this namespace URI and local name, or nullptr.
    const Element* find(std::string_view child_ns, std::string_view child_name) const;
    Element* find(std::string_view child_ns, std::string_view child_name);
    // Every child with this namespace URI and local name (repeated properties are arrays).
    std::vector<const Element*> find_all(std::string_view child_ns,
                                         std::string_view child_name) const;
    // The text of the first child in this element's own namespace (a class property), or
    // `fallback` when it is absent.
    std::string property(std::string_view child_name, std::string_view fallback = {}) const;
    bool has_property(std::string_view child_name) const;
    // Sets (or appends, keeping the order of the others) a property in this element's namespace.
    Element& set_property(std::string_view child_name, std::string_view value);
    // Removes every property of that name; returns how many were removed.
    std::size_t remove_property(std::string_view child_name);
    // The value of an unqualified attribute, or empty.
    std::string_view attribute(std::string_view attribute_name) const;
    // Appends a child in `child_ns` and returns it, for building requests.
    Element& add(std::string_view child_ns, std::string_view child_name,
                 std::string_view child_text = {});
};

// Overwrites the text and attribute values of a tree that carried secrets (method inputs).
void wipe(Element& element) noexcept;

// A namespace and the prefix to write it with ("" = default namespace).
struct Prefix {
    std::string_view ns;
    std::string_view prefix;
};

// Writes `root` without whitespace. `declared` are declared on the root, in that order, and
// used wherever they are in scope; a namespace that is not in scope is declared on the first
// element that needs it, with the prefix `preferred` gives it (or a generated one).
std::string write_xml(const Element& root, std::span<const Prefix> declared,
                      std::span<const Prefix> preferred);

// Parses a document into its root element, resolving prefixes to namespace URIs. Throws
// DecodeError when the bytes are not well-formed, nest too deep, or use an undeclared prefix.
Element parse_xml(std::string_view text);

} // namespace amtcfg::wsman
