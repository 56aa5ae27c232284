// Backoff between polls of a CA.
#include "backoff.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <thread>

namespace amtcfg::ca::detail {

std::chrono::milliseconds Backoff::next() {
    auto out = m_next;
    m_next = std::min(m_cap, m_next * 2);
    return out;
}

void wait_within(const Deadline& deadline, std::chrono::milliseconds wait, std::string_view what) {
    if (!deadline.unlimited()) {
        int cap = static_cast<int>(std::min<std::chrono::milliseconds::rep>(
            wait.count() + 1, std::numeric_limits<int>::max()));
        if (deadline.remaining_ms(cap) <= wait.count()) {
            throw Error(ErrorCategory::timed_out,
                        fmt::format("{}: --timeout ends before the next attempt", what));
        }
    }
    std::this_thread::sleep_for(wait);
}

} // namespace amtcfg::ca::detail
