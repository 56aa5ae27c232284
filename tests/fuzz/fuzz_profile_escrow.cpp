// Fuzz target: the escrow file reader (parse_escrow) takes any text: it parses, or refuses with
// Error(invalid_input) without quoting a "value" (a password); what it parses
// answers values_of / current / unresolved consistently for every device and secret in it.
#include "amtcfg/profile/escrow.hpp"
#include "amtcfg/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

[[noreturn]] void violated() {
    __builtin_trap();
}

// The error for `text` with `value` blanked out: what the message says without that value.
std::string message_without(std::string_view text, std::size_t at, std::size_t size) {
    std::string blanked(text);
    blanked.replace(at, size, size, 'X');
    try {
        (void)parse_escrow(blanked);
    } catch (const Error& error) {
        return error.what();
    }
    return {};
}

// No "value" of the text (8 characters or more) appears in the error message, unless the
// message says it anyway when the value is blanked out (the fuzzer copies message text in).
void check_not_quoted(std::string_view text, std::string_view message) {
    constexpr std::string_view k_key = "\"value\":\"";
    for (std::size_t at = text.find(k_key); at != std::string_view::npos;
         at = text.find(k_key, at + 1)) {
        std::size_t begin = at + k_key.size();
        std::size_t end = text.find_first_of("\"\\\n", begin);
        if (end == std::string_view::npos || end - begin < 8) {
            continue;
        }
        std::string_view value = text.substr(begin, end - begin);
        if (message.find(value) != std::string_view::npos &&
            message_without(text, begin, value.size()).find(value) == std::string::npos) {
            violated();
        }
    }
}

bool inside(const EscrowContents& contents, const EscrowEntry* entry) {
    return entry != nullptr && !contents.entries.empty() && entry >= &contents.entries.front() &&
           entry <= &contents.entries.back();
}

void check_queries(const EscrowContents& contents, const EscrowEntry& entry) {
    for (const auto& value : contents.values_of(entry.uuid, entry.secret)) {
        if (!inside(contents, value.record) ||
            (value.outcome && !inside(contents, value.outcome))) {
            violated();
        }
        (void)value.status_time();
    }
    if (auto current = contents.current(entry.uuid, entry.secret);
        current && (current->status != EscrowStatus::set || !inside(contents, current->record))) {
        violated();
    }
    for (const auto& value : contents.unresolved(entry.uuid, entry.secret)) {
        if (value.status != EscrowStatus::pending || !inside(contents, value.record)) {
            violated();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        EscrowContents contents = parse_escrow(text);
        for (const auto& entry : contents.entries) {
            if (entry.line == 0) {
                violated();
            }
            check_queries(contents, entry);
        }
    } catch (const Error& error) {
        if (error.category() != ErrorCategory::invalid_input) {
            violated();
        }
        check_not_quoted(text, error.what());
    }
    return 0;
}
