// Start-up hardening: core dumps off and memory locked, each step best effort.
#include "amtcfg/util/hardening.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace amtcfg {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool k_sanitized = true;
#else
constexpr bool k_sanitized = false;
#endif
#else
constexpr bool k_sanitized = false;
#endif

bool has_ipc_lock() {
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) != 0) {
        return false;
    }
    return (data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK)) != 0;
}

// MCL_FUTURE under a finite RLIMIT_MEMLOCK makes every mmap past the limit fail, so malloc
// would start failing in the middle of a provisioning run: lock only when no limit applies.
// MCL_ONFAULT locks pages as they are touched instead of faulting in every mapped library,
// so the peak RSS (DESIGN.md section 7) does not grow.
MemoryLock lock_memory(int& errno_value) {
    if (k_sanitized) {
        return MemoryLock::not_supported;
    }
    rlimit limit{};
    bool unlimited = ::getrlimit(RLIMIT_MEMLOCK, &limit) == 0 && limit.rlim_cur == RLIM_INFINITY;
    if (!unlimited && !has_ipc_lock()) {
        return MemoryLock::not_privileged;
    }
    if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
        return MemoryLock::locked;
    }
    if (errno == EINVAL) {
        return MemoryLock::not_supported; // a kernel before 4.4 has no MCL_ONFAULT
    }
    errno_value = errno;
    return MemoryLock::failed;
}

} // namespace

Hardening harden_process() noexcept {
    Hardening result;
    result.dumpable_off = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
    rlimit none{0, 0};
    result.core_limit_zero = ::setrlimit(RLIMIT_CORE, &none) == 0;
    result.memory = lock_memory(result.lock_errno);
    return result;
}

std::string describe(const Hardening& hardening) {
    std::string memory;
    switch (hardening.memory) {
    case MemoryLock::locked:
        memory = "memory locked";
        break;
    case MemoryLock::not_privileged:
        memory = "memory not locked (no CAP_IPC_LOCK and RLIMIT_MEMLOCK is limited)";
        break;
    case MemoryLock::not_supported:
        memory = "memory not locked (not supported by this kernel or build)";
        break;
    case MemoryLock::failed:
        memory =
            fmt::format("memory not locked (mlockall: {})", std::strerror(hardening.lock_errno));
        break;
    }
    return fmt::format(
        "hardening: core dumps {}, {}",
        hardening.dumpable_off && hardening.core_limit_zero ? "off" : "NOT fully off", memory);
}

} // namespace amtcfg
