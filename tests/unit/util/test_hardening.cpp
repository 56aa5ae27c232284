// Start-up hardening, checked in a forked child so the test process itself stays dumpable.
#include "amtcfg/util/hardening.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace amtcfg;

namespace {

// The text after "name:" in /proc/self/status ("" when missing).
std::string status_field(const std::string& name) {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(name + ":", 0) == 0) {
            return line.substr(name.size() + 1);
        }
    }
    return "";
}

long locked_kb() {
    std::string value = status_field("VmLck");
    return value.empty() ? -1 : std::stol(value);
}

bool has_ipc_lock() {
    constexpr unsigned long long k_cap_ipc_lock = 1ULL << 14U;
    return (std::stoull(status_field("CapEff"), nullptr, 16) & k_cap_ipc_lock) != 0;
}

// Bits the child sets in its exit status for each check that failed.
enum Failure : int {
    still_dumpable = 1,
    core_soft_limit = 2,
    core_hard_limit = 4,
    not_reported = 8,
    lock_not_effective = 16,
};

} // namespace

TEST_CASE("harden_process turns core dumps off and locks memory where it may", "[unit]") {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        Hardening h = harden_process();
        int failures = 0;
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
            failures |= still_dumpable;
        }
        rlimit core{};
        ::getrlimit(RLIMIT_CORE, &core);
        failures |= core.rlim_cur != 0 ? core_soft_limit : 0;
        failures |= core.rlim_max != 0 ? core_hard_limit : 0;
        if (!h.dumpable_off || !h.core_limit_zero) {
            failures |= not_reported;
        }
        if (h.memory == MemoryLock::locked && locked_kb() <= 0) {
            failures |= lock_not_effective;
        }
        auto memory = static_cast<char>(h.memory);
        (void)!::write(pipe_fds[1], &memory, 1);
        ::_exit(failures);
    }
    ::close(pipe_fds[1]);
    char memory = -1;
    CHECK(::read(pipe_fds[0], &memory, 1) == 1);
    ::close(pipe_fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK((WEXITSTATUS(status) & still_dumpable) == 0);
    CHECK((WEXITSTATUS(status) & core_soft_limit) == 0);
    CHECK((WEXITSTATUS(status) & core_hard_limit) == 0);
    CHECK((WEXITSTATUS(status) & not_reported) == 0);
    CHECK((WEXITSTATUS(status) & lock_not_effective) == 0);
    // With CAP_IPC_LOCK (the suite runs as root) the lock must have been taken, except in a
    // sanitizer build, which reports it as not supported.
    if (has_ipc_lock()) {
        auto lock = static_cast<MemoryLock>(memory);
        CHECK((lock == MemoryLock::locked || lock == MemoryLock::not_supported));
    }
    // This process was not touched.
    CHECK(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
}

TEST_CASE("the hardening summary says what was not done and why", "[unit]") {
    Hardening h;
    h.dumpable_off = true;
    h.core_limit_zero = true;
    h.memory = MemoryLock::locked;
    CHECK(describe(h) == "hardening: core dumps off, memory locked");
    h.memory = MemoryLock::not_privileged;
    CHECK_THAT(describe(h), Catch::Contains("no CAP_IPC_LOCK"));
    h.core_limit_zero = false;
    h.memory = MemoryLock::failed;
    h.lock_errno = ENOMEM;
    CHECK_THAT(describe(h), Catch::Contains("NOT fully off") && Catch::Contains("mlockall"));
}
