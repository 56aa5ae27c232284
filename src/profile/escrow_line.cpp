// The escrow line parser: strict JSON for the one shape a record has, with wiped buffers.
#include "escrow_line.hpp"

#include "amtcfg/util/secret.hpp"

#include <fmt/format.h>

namespace amtcfg::profile {

namespace {

// The one shape an escrow record has: a flat JSON object whose values are all strings.
class LineParser {
public:
    explicit LineParser(std::string_view text) : m_text(text) {}

    std::map<std::string, std::string> parse() {
        std::map<std::string, std::string> fields;
        expect('{', "a record starts with {");
        if (skip_space() && peek() == '}') {
            ++m_at;
        } else {
            for (bool more = true; more;) {
                std::string key = string_at("a field name");
                expect(':', "a field name is followed by :");
                skip_space();
                if (m_at >= m_text.size() || peek() != '"') {
                    throw Malformed{"a field's value is not a string"};
                }
                std::string value = string_at("a value");
                if (!fields.emplace(std::move(key), std::move(value)).second) {
                    throw Malformed{"a field appears twice"};
                }
                skip_space();
                more = m_at < m_text.size() && peek() == ',';
                if (more) {
                    ++m_at;
                }
            }
            expect('}', "fields are separated by , and the record ends with }");
        }
        if (skip_space()) {
            throw Malformed{"there is text after the record"};
        }
        return fields;
    }

private:
    char peek() const { return m_text[m_at]; }

    // Skips blanks; true when text remains.
    bool skip_space() {
        while (m_at < m_text.size() &&
               (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
            ++m_at;
        }
        return m_at < m_text.size();
    }

    void expect(char c, std::string_view what) {
        skip_space();
        if (m_at >= m_text.size() || peek() != c) {
            throw Malformed{std::string(what)};
        }
        ++m_at;
    }

    unsigned hex4() {
        if (m_text.size() - m_at < 4) {
            throw Malformed{"a \\u escape is cut short"};
        }
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            char c = m_text[m_at++];
            auto digit = std::string_view("0123456789abcdef")
                             .find(static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c));
            if (digit == std::string_view::npos) {
                throw Malformed{"a \\u escape has a character that is not hexadecimal"};
            }
            code = code * 16 + static_cast<unsigned>(digit);
        }
        return code;
    }

    void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        }
    }

    unsigned unicode_escape() {
        unsigned code = hex4();
        if (code >= 0xdc00 && code <= 0xdfff) {
            throw Malformed{"a \\u escape is a lone low surrogate"};
        }
        if (code >= 0xd800 && code <= 0xdbff) {
            if (m_text.size() - m_at < 2 || m_text[m_at] != '\\' || m_text[m_at + 1] != 'u') {
                throw Malformed{"a \\u escape is a high surrogate without its low half"};
            }
            m_at += 2;
            unsigned low = hex4();
            if (low < 0xdc00 || low > 0xdfff) {
                throw Malformed{"a \\u escape is a high surrogate without its low half"};
            }
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        }
        return code;
    }

    void escape(std::string& out) {
        if (m_at >= m_text.size()) {
            throw Malformed{"a string is not closed"};
        }
        char c = m_text[m_at++];
        constexpr std::string_view k_from = "\"\\/bfnrt";
        constexpr std::string_view k_to = "\"\\/\b\f\n\r\t";
        if (auto simple = k_from.find(c); simple != std::string_view::npos) {
            out += k_to[simple];
        } else if (c == 'u') {
            append_utf8(out, unicode_escape());
        } else {
            throw Malformed{"a string has an unknown \\ escape"};
        }
    }

    // A JSON string; reserved to the line's size first, so that growing it never leaves a copy
    // of a password behind in freed memory.
    std::string string_at(std::string_view what) {
        expect('"', fmt::format("{} must be a string in double quotes", what));
        std::string out;
        out.reserve(m_text.size());
        while (true) {
            if (m_at >= m_text.size()) {
                wipe_string(out);
                throw Malformed{"a string is not closed"};
            }
            char c = m_text[m_at++];
            if (c == '"') {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                wipe_string(out);
                throw Malformed{"a string holds a control character"};
            }
            if (c == '\\') {
                try {
                    escape(out);
                } catch (...) {
                    wipe_string(out);
                    throw;
                }
                continue;
            }
            out += c;
        }
    }

    std::string_view m_text;
    std::size_t m_at = 0;
};

} // namespace

std::map<std::string, std::string> parse_escrow_line(std::string_view text) {
    return LineParser(text).parse();
}

} // namespace amtcfg::profile
