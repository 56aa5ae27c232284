// The LD_PRELOAD library: routes /dev/mei* opens and the fds they return to the simulator;
// every other call goes to libc untouched. Exports only the interposed libc symbols
// (preload.map).
#include "apf/install.hpp"
#include "fake_mei.hpp"

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <mutex>
#include <openssl/crypto.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace amtcfg::sim;

template <class F> F next(const char* name) {
    return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name)); // NOLINT: dlsym returns void*
}

struct Libc {
    int (*open)(const char*, int, ...) = next<decltype(open)>("open");
    int (*open64)(const char*, int, ...) = next<decltype(open64)>("open64");
    int (*openat)(int, const char*, int, ...) = next<decltype(openat)>("openat");
    int (*openat64)(int, const char*, int, ...) = next<decltype(openat64)>("openat64");
    int (*close)(int) = next<decltype(close)>("close");
    ssize_t (*read)(int, void*, size_t) = next<decltype(read)>("read");
    ssize_t (*write)(int, const void*, size_t) = next<decltype(write)>("write");
    int (*ioctl)(int, unsigned long, ...) = next<decltype(ioctl)>("ioctl");
};

Libc& libc() {
    static Libc calls;
    return calls;
}

// The simulator and its fake device live for the whole process (never destroyed, so nothing
// runs after the exit-time save); created on the first /dev/mei* open or in check mode.
std::once_flag g_once;
Simulator* g_sim = nullptr;
pid_t g_pid = 0; // the process that started the simulator; a fork's child never finishes it
std::atomic<FakeMei*> g_mei{nullptr};

// The simulated LMS runs only in the process named by AMTCFG_SIM_LMS_PROGRAM (default amtcfg),
// so a shell wrapping several amtcfg runs does not hold the port with a device of its own.
bool runs_lms() {
    const char* lms = std::getenv("AMTCFG_SIM_LMS");
    const char* program = std::getenv("AMTCFG_SIM_LMS_PROGRAM");
    return lms != nullptr && std::string_view(lms) == "1" &&
           std::string_view(program_invocation_short_name) == (program ? program : "amtcfg");
}

// AMTCFG_LMS_PORT (set by with-sim.sh), else any free port, announced to amtcfg by setting it.
std::optional<std::uint16_t> lms_port() {
    if (!runs_lms()) {
        return std::nullopt;
    }
    const char* port = std::getenv("AMTCFG_LMS_PORT");
    return port == nullptr ? 0 : static_cast<std::uint16_t>(std::stoul(port));
}

void start() {
    std::call_once(g_once, [] {
        auto* sim = new Simulator(SimConfig::from_environment());
        register_me_clients(*sim);
        auto port = install_wsman(*sim, lms_port());
        if (port != 0) {
            ::setenv("AMTCFG_LMS_PORT", std::to_string(port).c_str(), 1);
        }
        g_mei.store(new FakeMei(*sim, RealCalls{libc().close}));
        g_pid = ::getpid();
        g_sim = sim;
    });
}

FakeMei* fake_for(int fd) {
    FakeMei* mei = g_mei.load();
    return mei != nullptr && mei->owns(fd) ? mei : nullptr;
}

int open_mei(const char* path, int flags) {
    try {
        start();
        g_sim->device(); // a bad device file shows here, not as a wrong answer later
        return g_mei.load()->open(path, flags);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "amtcfg simulator: %s\n", e.what());
        errno = ENODEV;
        return -1;
    }
}

// Only absolute paths: amtcfg names its nodes in full (--device, discovery).
bool is_mei(const char* path) {
    return path != nullptr && path[0] == '/' && FakeMei::is_mei_path(path);
}

// with-sim.sh runs `true` under the library with AMTCFG_SIM_CHECK set before the command, to
// report a bad fault or device file once and clearly; "save" also creates the state file.
__attribute__((constructor)) void check_configuration() {
    const char* check = std::getenv("AMTCFG_SIM_CHECK");
    if (check == nullptr)
        return;
    try {
        start();
        g_sim->device();
        if (auto problem = g_sim->configuration_problem()) {
            throw std::runtime_error(*problem);
        }
        const std::string& state = g_sim->config().state_file;
        struct stat st {};
        if (std::string_view(check) == "save" && !state.empty() &&
            ::stat(state.c_str(), &st) != 0) {
            write_device_file(state, g_sim->device().snapshot());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "with-sim.sh: %s\n", e.what());
        std::_Exit(2);
    }
}

// Runs once: from the atexit handler start_lms installs, or as the library's destructor. Not in
// the child of a fork() that exits without exec (a shell's subshell): the simulator's threads
// do not exist there, so stopping the LMS listener would wait for them forever (and wake the
// parent's listener through the inherited self-pipe), and its device copy is not the device.
void finish_once() {
    static std::atomic<bool> done{false};
    if (g_sim == nullptr || std::getenv("AMTCFG_SIM_CHECK") != nullptr || ::getpid() != g_pid ||
        done.exchange(true))
        return;
    try {
        g_sim->finish();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "amtcfg simulator: %s\n", e.what());
    }
}

// With --lms the listener must be up before amtcfg's first WS-Man connect, which can come
// before any /dev/mei open.
__attribute__((constructor)) void start_lms() {
    if (std::getenv("AMTCFG_SIM_CHECK") != nullptr || !runs_lms())
        return;
    try {
        start();
        // The LMS workers use OpenSSL (nonces, digests). OpenSSL's exit-time cleanup deletes
        // its thread-state keys and so orphans the state of worker threads, which
        // LeakSanitizer then reported on a loaded machine (about one run in four). Initialising
        // OpenSSL here without that cleanup, and joining the workers from an atexit handler,
        // which runs before LeakSanitizer's exit check (library destructors run after it),
        // makes the end of a process deterministic. 100 runs under load: no report.
        OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
        std::atexit(finish_once);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "amtcfg simulator: cannot start LMS: %s\n", e.what());
    }
}

__attribute__((destructor)) void finish() {
    finish_once();
}

mode_t mode_argument(int flags, va_list args) {
    return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(args, unsigned)) : 0;
}

} // namespace

#define AMTCFG_EXPORT extern "C" __attribute__((visibility("default")))

AMTCFG_EXPORT int open(const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return is_mei(path) ? open_mei(path, flags) : libc().open(path, flags, mode);
}

AMTCFG_EXPORT int open64(const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return is_mei(path) ? open_mei(path, flags) : libc().open64(path, flags, mode);
}

AMTCFG_EXPORT int openat(int dirfd, const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return is_mei(path) ? open_mei(path, flags) : libc().openat(dirfd, path, flags, mode);
}

AMTCFG_EXPORT int openat64(int dirfd, const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return is_mei(path) ? open_mei(path, flags) : libc().openat64(dirfd, path, flags, mode);
}

// _FORTIFY_SOURCE turns open() with a non-constant flag argument into these.
AMTCFG_EXPORT int __open_2(const char* path, int flags) {
    return open(path, flags);
}
AMTCFG_EXPORT int __open64_2(const char* path, int flags) {
    return open64(path, flags);
}
AMTCFG_EXPORT int __openat_2(int dirfd, const char* path, int flags) {
    return openat(dirfd, path, flags);
}
AMTCFG_EXPORT int __openat64_2(int dirfd, const char* path, int flags) {
    return openat64(dirfd, path, flags);
}

AMTCFG_EXPORT int close(int fd) {
    FakeMei* mei = fake_for(fd);
    return mei != nullptr ? mei->close(fd) : libc().close(fd);
}

AMTCFG_EXPORT ssize_t read(int fd, void* buffer, size_t length) {
    FakeMei* mei = fake_for(fd);
    return mei != nullptr ? mei->read(fd, buffer, length) : libc().read(fd, buffer, length);
}

AMTCFG_EXPORT ssize_t __read_chk(int fd, void* buffer, size_t length, size_t buffer_size) {
    if (length > buffer_size)
        std::abort(); // what glibc's check does (__chk_fail)
    return read(fd, buffer, length);
}

AMTCFG_EXPORT ssize_t write(int fd, const void* buffer, size_t length) {
    FakeMei* mei = fake_for(fd);
    return mei != nullptr ? mei->write(fd, buffer, length) : libc().write(fd, buffer, length);
}

AMTCFG_EXPORT int ioctl(int fd, unsigned long request, ...) {
    va_list args;
    va_start(args, request);
    void* argument = va_arg(args, void*);
    va_end(args);
    FakeMei* mei = fake_for(fd);
    return mei != nullptr ? mei->ioctl(fd, request, argument) : libc().ioctl(fd, request, argument);
}
