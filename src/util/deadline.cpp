// Deadline arithmetic and the duration parser for --timeout and profile durations.
#include "amtcfg/util/deadline.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace amtcfg {

int Deadline::remaining_ms(int cap_ms) const {
    if (!m_end) {
        return cap_ms;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*m_end - Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, cap_ms));
}

void Deadline::check(std::string_view what) const {
    if (expired()) {
        throw Error(ErrorCategory::timed_out,
                    fmt::format("timed out {} (the --timeout limit was reached)", what));
    }
}

std::chrono::milliseconds parse_duration(std::string_view text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    long long factor = 0;
    if (unit.empty() || unit == "s") {
        factor = 1000;
    } else if (unit == "ms") {
        factor = 1;
    } else if (unit == "m") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    }
    if (ec != std::errc() || end == text.data() || factor == 0 || value < 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("invalid duration \"{}\": expected a whole number with an "
                                "optional unit ms, s, m or h (for example 90s)",
                                text));
    }
    return std::chrono::milliseconds(value * factor);
}

} // namespace amtcfg
