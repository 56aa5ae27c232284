// Fault injection specs (--fault, DESIGN.md section 3): parsing and lookup.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::sim {

enum class FaultKind {
    mei_busy,         // mei-busy:N           the first N connects get EBUSY
    mei_reset_after,  // mei-reset-after:N    ENODEV on every connection after N messages
    mei_absent,       // no-mei               no /dev/mei* node at all (ENOENT)
    mei_denied,       // mei-denied           opening /dev/mei0 gives EACCES
    no_lme,           // no-lme               the LME client is absent (ENOTTY)
    amthi_short,      // amthi-short:COMMAND  truncated reply
    amthi_garble,     // amthi-garble:COMMAND corrupted reply
    amthi_status,     // amthi-status:COMMAND=CODE
    amthi_timeout,    // amthi-timeout:COMMAND no reply at all
    amthi_stale,      // amthi-stale:COMMAND  the first reply again, whatever changed since
    wsman_http500,    // wsman-http500:METHOD
    wsman_fault,      // wsman-fault:METHOD
    wsman_return,     // wsman-return:METHOD=CODE
    wsman_drop,       // wsman-drop:METHOD
    wsman_delay,      // wsman-delay:METHOD=MS  the call waits MS milliseconds before it acts
    digest_stale,     // digest-stale
    apf_open_failure, // apf-open-failure     CHANNEL_OPEN is refused (reason 4)
    apf_early_close,  // apf-early-close      the channel closes before the response is out
    apf_stall,        // apf-stall            the firmware stops answering on the channel
    tls_bad_chain,    // tls-bad-chain        before provisioning AMT serves a chain of another root
    tls_wrong_hash,   // tls-wrong-hash       StartConfigurationHBased returns another hash
    tls_drop_after_commit, // tls-drop-after-commit  CommitChanges acts, then the connection drops
};

struct Fault {
    FaultKind kind;
    std::string target;      // COMMAND or METHOD; "" for faults without one
    unsigned long value = 0; // N, CODE or MS
    unsigned long times = 0; // SPEC*N: fires N times, then the device works; 0 = every time
};

// Parses one spec; throws std::invalid_argument with a message naming the spec and the fix.
// AMTHI command names are checked against the reference names (case-insensitive, stored in
// the reference spelling); WS-Man METHODs are kept as written. A trailing `*N` (N >= 1) on a
// fault that acts on a command, method or channel makes it fire N times only.
Fault parse_fault(std::string_view spec);

// The parsed faults of one process. Copies share the counters of counted faults (`SPEC*N`),
// so every face of the simulator sees the same "fired N times" state.
class FaultList {
public:
    FaultList();
    explicit FaultList(std::vector<Fault> faults);

    // Parses specs separated by newlines (how with-sim.sh passes them).
    static FaultList parse(std::string_view specs);

    bool has(FaultKind kind, std::string_view target = {}) const;
    // The N or CODE of the first matching fault.
    std::optional<unsigned long> value(FaultKind kind, std::string_view target = {}) const;
    const std::vector<Fault>& all() const { return m_faults; }
    // Like value(), but the fault is used up: a counted fault stops matching after N fires.
    std::optional<unsigned long> fire(FaultKind kind, std::string_view target = {}) const;

private:
    struct Fired;
    std::vector<Fault> m_faults;
    std::shared_ptr<Fired> m_fired; // per fault: how often it fired
};

} // namespace amtcfg::sim
