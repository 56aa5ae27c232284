// Strict reading of one profile document: every element and attribute is checked against what
// the format allows, and every problem is reported as "file:line: what (expected ...)".
#pragma once

#include "amtcfg/profile/profile.hpp"
#include "names.hpp"

#include <pugixml.hpp>

#include <fmt/format.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::profile {

// Whether a secret attribute may say "random": only passwords amtcfg sets itself can be
// generated; a password that unlocks an existing file or server cannot.
enum class RandomSource { allowed, refused };

class XmlReader {
public:
    XmlReader(std::string_view text, std::string file_name);

    const std::string& file_name() const { return m_file_name; }
    int line_of(pugi::xml_node node) const;
    int line_of(pugi::xml_node node, std::string_view attribute) const;
    int line_at(std::ptrdiff_t offset) const;

    [[noreturn]] void fail(int line, const std::string& message) const;
    [[noreturn]] void fail(pugi::xml_node node, const std::string& message) const {
        fail(line_of(node), message);
    }

    // Rejects attributes not in `allowed` and attributes given twice.
    void check_attributes(pugi::xml_node node, std::initializer_list<std::string_view> allowed);
    // Rejects child elements not in `allowed`, text content, and repeats of any child except
    // those named in `repeatable`.
    void check_children(pugi::xml_node node, std::initializer_list<std::string_view> allowed,
                        std::initializer_list<std::string_view> repeatable = {});

    std::optional<std::string> text(pugi::xml_node node, std::string_view name);
    std::string required(pugi::xml_node node, std::string_view name, std::string_view expected);
    std::optional<bool> boolean(pugi::xml_node node, std::string_view name);
    std::optional<unsigned> number(pugi::xml_node node, std::string_view name, unsigned max);
    std::optional<SecretSetting> secret(pugi::xml_node node, std::string_view name,
                                        RandomSource random);
    // A path attribute resolved against the profile's directory.
    std::optional<std::string> path(pugi::xml_node node, std::string_view name);

    template <typename Enum, std::size_t N>
    std::optional<Enum> choice(pugi::xml_node node, std::string_view name,
                               const std::array<NameOf<Enum>, N>& table) {
        auto value = text(node, name);
        if (!value) {
            return std::nullopt;
        }
        for (const auto& entry : table) {
            if (entry.name == *value) {
                return entry.value;
            }
        }
        fail(line_of(node, name), fmt::format("invalid {}=\"{}\" on <{}> (expected {})", name,
                                              *value, node.name(), names_of(table)));
    }

    template <typename Enum, std::size_t N>
    static std::string names_of(const std::array<NameOf<Enum>, N>& table) {
        std::string out;
        for (const auto& entry : table) {
            out += out.empty() ? "" : ", ";
            out += entry.name;
        }
        return out;
    }

    std::string resolve_path(std::string_view path) const;

private:
    std::string_view m_text;
    std::string m_file_name;
    std::string m_directory;
};

std::string join(std::initializer_list<std::string_view> names);

} // namespace amtcfg::profile
