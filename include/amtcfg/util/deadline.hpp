// Deadline: the --timeout budget of a command, shared by every wait below it.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace amtcfg {

class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    Deadline() = default; // no limit
    explicit Deadline(Clock::duration budget) : m_end(Clock::now() + budget) {}

    bool unlimited() const { return !m_end.has_value(); }
    bool expired() const { return m_end && Clock::now() >= *m_end; }
    // Milliseconds left, capped at `cap_ms`; 0 once expired. For poll() timeouts.
    int remaining_ms(int cap_ms) const;
    // Throws Error(timed_out) naming `what` when the deadline has passed.
    void check(std::string_view what) const;

private:
    std::optional<Clock::time_point> m_end;
};

// Parses "90", "90s", "500ms", "2m" into a duration; throws Error(usage) on anything else.
std::chrono::milliseconds parse_duration(std::string_view text);

} // namespace amtcfg
