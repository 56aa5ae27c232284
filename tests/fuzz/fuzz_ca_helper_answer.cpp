// Fuzz target: a certmonger submit helper's answer (exit status + standard output), as the exec
// issuer interprets it. The first byte is the exit status (255: ended by a signal).
#include "helper_answer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

bool has_controls(std::string_view text) {
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    int status = data[0] == 255 ? -1 : data[0];
    std::string_view out(reinterpret_cast<const char*>(data + 1), size - 1);
    using Kind = amtcfg::ca::detail::HelperAnswer::Kind;
    // Never throws: any exception escapes and crashes the run.
    auto answer = amtcfg::ca::detail::interpret_helper(status, out);
    if (answer.kind == Kind::issued && answer.certificates.empty()) {
        __builtin_trap();
    }
    if (answer.kind != Kind::issued && !answer.certificates.empty()) {
        __builtin_trap();
    }
    if (answer.delay && (answer.delay->count() < 0 || answer.delay->count() > 86400)) {
        __builtin_trap();
    }
    // What reaches messages and the log is safe for a terminal.
    if (has_controls(answer.message) || has_controls(answer.cookie)) {
        __builtin_trap();
    }
    return 0;
}
