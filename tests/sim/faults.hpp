// Fault injection specs (--fault, DESIGN.md section 3): parsing and lookup.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::sim {

enum class FaultKind {
    mei_busy,        // mei-busy:N           the first N connects get EBUSY
    mei_reset_after, // mei-reset-after:N    ENODEV on every connection after N messages
    mei_absent,      // no-mei               no /dev/mei* node at all (ENOENT)
    mei_denied,      // mei-denied           opening /dev/mei0 gives EACCES
    no_lme,          // no-lme               the LME client is absent (ENOTTY)
    amthi_short,     // amthi-short:COMMAND  truncated reply
    amthi_garble,    // amthi-garble:COMMAND corrupted reply
    amthi_status,    // amthi-status:COMMAND=CODE
    amthi_timeout,   // amthi-timeout:COMMAND no reply at all
    amthi_stale,     // amthi-stale:COMMAND  the first reply again, whatever changed since
    wsman_http500,   // wsman-http500:METHOD
    wsman_fault,     // wsman-fault:METHOD
    wsman_return,    // wsman-return:METHOD=CODE
    wsman_drop,      // wsman-drop:METHOD
    wsman_delay,     // wsman-delay:METHOD=MS  the call waits MS milliseconds before it acts
    digest_stale,    // digest-stale
};

struct Fault {
    FaultKind kind;
    std::string target;      // COMMAND or METHOD; "" for faults without one
    unsigned long value = 0; // N, CODE or MS
};

// Parses one spec; throws std::invalid_argument with a message naming the spec and the fix.
// AMTHI command names are checked against the reference names (case-insensitive, stored in
// the reference spelling); WS-Man METHODs are kept as written.
Fault parse_fault(std::string_view spec);

class FaultList {
public:
    FaultList() = default;
    explicit FaultList(std::vector<Fault> faults) : m_faults(std::move(faults)) {}

    // Parses specs separated by newlines (how with-sim.sh passes them).
    static FaultList parse(std::string_view specs);

    bool has(FaultKind kind, std::string_view target = {}) const;
    // The N or CODE of the first matching fault.
    std::optional<unsigned long> value(FaultKind kind, std::string_view target = {}) const;
    const std::vector<Fault>& all() const { return m_faults; }

private:
    std::vector<Fault> m_faults;
};

} // namespace amtcfg::sim
