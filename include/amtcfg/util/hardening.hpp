// Process hardening at start-up: no core dumps, no ptrace by other users, memory kept off swap.
#pragma once

#include <string>

namespace amtcfg {

// What harden_process() managed to lock: memory locking is best effort and never fatal.
enum class MemoryLock {
    locked,         // mlockall: every page is locked as it is first touched (MCL_ONFAULT)
    not_privileged, // no CAP_IPC_LOCK and a finite RLIMIT_MEMLOCK: locking could starve malloc
    not_supported,  // the kernel refused MCL_ONFAULT, or a sanitizer build (terabytes of shadow)
    failed,         // mlockall itself failed (see lock_errno)
};

struct Hardening {
    bool dumpable_off = false;    // prctl(PR_SET_DUMPABLE, 0) succeeded
    bool core_limit_zero = false; // setrlimit(RLIMIT_CORE, 0/0) succeeded
    MemoryLock memory = MemoryLock::not_supported;
    int lock_errno = 0; // why mlockall failed, when it did
};

// Turns core dumps off (PR_SET_DUMPABLE 0, which also keeps other users' ptrace and
// /proc/<pid>/mem away, and RLIMIT_CORE 0) and locks memory where that cannot make later
// allocations fail. Call it first thing in main(); it never throws and never exits.
Hardening harden_process() noexcept;

// One line for the debug log: what was done and what was not, with the reason.
std::string describe(const Hardening& hardening);

} // namespace amtcfg
