// Waits between polls of a CA: a doubling backoff, each wait cut to what the deadline leaves.
#pragma once

#include "amtcfg/util/deadline.hpp"

#include <chrono>
#include <string_view>

namespace amtcfg::ca::detail {

class Backoff {
public:
    Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap)
        : m_next(first), m_cap(cap) {}
    // The next wait of the sequence (first, 2*first, ... up to cap).
    std::chrono::milliseconds next();

private:
    std::chrono::milliseconds m_next;
    std::chrono::milliseconds m_cap;
};

// Sleeps `wait`; Error(timed_out) naming `what` first when the deadline ends before it would.
void wait_within(const Deadline& deadline, std::chrono::milliseconds wait, std::string_view what);

} // namespace amtcfg::ca::detail
