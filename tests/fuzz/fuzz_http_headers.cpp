// Fuzz target: amtcfg's own HTTP header handling (libcurl does the framing and digest): header
// lookup, Content-Type tracking and the trace's Authorization redaction, over any header bytes.
#include "curl_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool has_untrimmed_end(std::string_view value) {
    constexpr std::string_view k_space = " \t\r\n";
    return !value.empty() && (k_space.find(value.front()) != std::string_view::npos ||
                              k_space.find(value.back()) != std::string_view::npos);
}

// A value found by header_value lies inside its line and carries no surrounding white space.
void check_lookup(std::string_view line, std::string_view name) {
    auto value = amtcfg::http::header_value(line, name);
    if (!value) {
        return;
    }
    bool inside = value->empty() || (value->data() >= line.data() &&
                                     value->data() + value->size() <= line.data() + line.size());
    if (!inside || has_untrimmed_end(*value)) {
        __builtin_trap();
    }
}

// No line the trace prints may carry an Authorization value.
void check_redaction(std::string_view headers) {
    std::string shown = amtcfg::http::redact_headers(headers);
    std::string_view rest = shown;
    while (!rest.empty()) {
        std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        auto value = amtcfg::http::header_value(line, "authorization");
        if (value && *value != "(redacted)") {
            __builtin_trap();
        }
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view headers(reinterpret_cast<const char*>(data), size);
    check_redaction(headers);
    // libcurl hands the header callback one line at a time, with its CRLF.
    std::string content_type;
    std::string_view rest = headers;
    while (!rest.empty()) {
        std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end == std::string_view::npos ? end : end + 1);
        rest.remove_prefix(line.size());
        check_lookup(line, "content-type");
        check_lookup(line, "authorization");
        amtcfg::http::note_header_line(line, content_type);
        if (line.starts_with("HTTP/") && !content_type.empty()) {
            __builtin_trap();
        }
        if (has_untrimmed_end(content_type)) {
            __builtin_trap();
        }
    }
    return 0;
}
