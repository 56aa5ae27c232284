// The bounded EBUSY backoff of the MEI connect: the only wait amtcfg performs on purpose.
#include "amtcfg/mei/linux_device.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

namespace amtcfg::mei {

std::chrono::milliseconds busy_backoff(int attempt) {
    // 25, 50, 100, 200, 400 ms: under a second in total, enough for another process to close
    // its handle, short enough that a genuinely held client fails fast with exit 12.
    return std::chrono::milliseconds(25 << (attempt - 1));
}

void retry_while_busy(const std::function<void()>& attempt, const BusyWait& wait) {
    for (int i = 1;; ++i) {
        try {
            attempt();
            return;
        } catch (const Error& e) {
            if (e.category() != ErrorCategory::device_busy) {
                throw;
            }
            if (i >= k_busy_attempts) {
                throw e.with_context(fmt::format("gave up after {} attempts", i));
            }
        }
        wait(busy_backoff(i));
    }
}

} // namespace amtcfg::mei
