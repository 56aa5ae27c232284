// Writes Element trees as XML, choosing and declaring namespace prefixes.
#include "amtcfg/wsman/xml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace amtcfg::wsman {

namespace {

void escape(std::string& out, std::string_view text, bool in_attribute) {
    for (char ch : text) {
        switch (ch) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += in_attribute ? "&quot;" : "\"";
            break;
        default:
            out += ch;
        }
    }
}

class Writer {
public:
    Writer(std::span<const Prefix> declared, std::span<const Prefix> preferred)
        : m_declared(declared), m_preferred(preferred) {}

    std::string write(const Element& root) {
        std::string decls;
        for (const auto& p : m_declared) {
            declare(decls, p.ns, p.prefix);
        }
        element(root, std::move(decls));
        return std::move(m_out);
    }

private:
    // The prefix currently bound to `ns`, if the binding is not shadowed by a later one.
    const std::string* bound(std::string_view ns, bool for_attribute) const {
        for (auto it = m_scope.rbegin(); it != m_scope.rend(); ++it) {
            if (it->first != ns || (for_attribute && it->second.empty())) {
                continue;
            }
            bool shadowed = std::any_of(m_scope.rbegin(), it, [&](const auto& later) {
                return later.second == it->second;
            });
            if (!shadowed) {
                return &it->second;
            }
        }
        return nullptr;
    }

    void declare(std::string& decls, std::string_view ns, std::string_view prefix) {
        m_scope.emplace_back(std::string(ns), std::string(prefix));
        decls += prefix.empty() ? std::string(" xmlns=\"") : fmt::format(" xmlns:{}=\"", prefix);
        escape(decls, ns, true);
        decls += '"';
    }

    std::string prefix_for(std::string& decls, std::string_view ns, bool for_attribute) {
        if (const std::string* p = bound(ns, for_attribute)) {
            return *p;
        }
        std::string prefix = fmt::format("n{}", ++m_generated);
        for (const auto& p : m_preferred) {
            if (p.ns == ns && !(for_attribute && p.prefix.empty())) {
                prefix = std::string(p.prefix);
            }
        }
        declare(decls, ns, prefix);
        return prefix;
    }

    std::string qualified(std::string& decls, std::string_view ns, std::string_view name,
                          bool for_attribute) {
        if (ns.empty()) {
            const std::string* def = for_attribute ? nullptr : bound_default();
            if (def != nullptr) {
                declare(decls, "", "");
            }
            return std::string(name);
        }
        std::string prefix = prefix_for(decls, ns, for_attribute);
        return prefix.empty() ? std::string(name) : prefix + ":" + std::string(name);
    }

    // The namespace of the default binding when it is a non-empty one.
    const std::string* bound_default() const {
        for (auto it = m_scope.rbegin(); it != m_scope.rend(); ++it) {
            if (it->second.empty()) {
                return it->first.empty() ? nullptr : &it->first;
            }
        }
        return nullptr;
    }

    void element(const Element& e, std::string decls) {
        std::size_t scope_size = m_scope.size();
        std::string name = qualified(decls, e.ns, e.name, false);
        std::string attrs;
        for (const auto& a : e.attributes) {
            attrs += ' ' + qualified(decls, a.ns, a.name, true) + "=\"";
            escape(attrs, a.value, true);
            attrs += '"';
        }
        m_out += '<' + name + decls + attrs;
        if (e.text.empty() && e.children.empty()) {
            m_out += "/>";
        } else {
            m_out += '>';
            escape(m_out, e.text, false);
            for (const auto& c : e.children) {
                element(c, {});
            }
            m_out += "</" + name + '>';
        }
        m_scope.resize(scope_size);
    }

    std::span<const Prefix> m_declared;
    std::span<const Prefix> m_preferred;
    std::vector<std::pair<std::string, std::string>> m_scope; // namespace URI -> prefix
    std::string m_out;
    int m_generated = 0;
};

} // namespace

std::string write_xml(const Element& root, std::span<const Prefix> declared,
                      std::span<const Prefix> preferred) {
    return Writer(declared, preferred).write(root);
}

} // namespace amtcfg::wsman
