// A submit helper as a child process: posix_spawn in its own process group, pipes read with
// poll() until both close, a kill of the group at the deadline.
#include "helper_process.hpp"

#include "amtcfg/util/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace amtcfg::ca::detail {

namespace {

constexpr int k_poll_cap_ms = 1000;

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int value) : fd(value) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) {
            ::close(fd);
        }
        fd = -1;
    }
};

struct Pipe {
    Fd read;
    Fd write;
    Pipe() {
        std::array<int, 2> ends{};
        if (::pipe2(ends.data(), O_CLOEXEC) != 0) {
            throw Error(
                ErrorCategory::certificate_failed,
                fmt::format("cannot start the submit helper: pipe: {}", std::strerror(errno)));
        }
        read.fd = ends[0];
        write.fd = ends[1];
    }
};

// Variables of amtcfg's environment a helper may need (finding programs, locale, temporary
// files, proxies to reach its CA); anything else stays behind, because amtcfg's environment may
// hold secrets the profile reads (env:NAME sources), as certmonger's daemon does not.
constexpr std::array<std::string_view, 11> k_passed_variables{
    "PATH",       "HOME",        "LANG",     "LC_ALL",     "TMPDIR",     "TZ",
    "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY"};

std::vector<std::string>
environment_of(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::string> out;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::string_view name = text.substr(0, text.find('='));
        if (std::find(k_passed_variables.begin(), k_passed_variables.end(), name) !=
            k_passed_variables.end()) {
            out.emplace_back(text);
        }
    }
    for (const auto& [name, value] : extra) {
        if (!value.empty()) {
            out.push_back(name + "=" + value);
        }
    }
    return out;
}

pid_t spawn(const std::string& command, std::vector<std::string>& environment, int out, int err) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawn_file_actions_adddup2(&actions, err, 2);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    std::vector<char*> envp;
    for (auto& entry : environment) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::string shell = "/bin/sh";
    std::string dash_c = "-c";
    std::string line = command;
    std::array<char*, 4> argv{shell.data(), dash_c.data(), line.data(), nullptr};
    pid_t pid = -1;
    int status = posix_spawn(&pid, shell.c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) {
        throw Error(ErrorCategory::certificate_failed,
                    fmt::format("cannot start the submit helper: {}", std::strerror(status)));
    }
    return pid;
}

// Reads what is there; closes the end at EOF. Output past the limit is read and dropped.
void drain(Fd& fd, std::string& into) {
    std::array<char, 4096> buffer{};
    ssize_t count = ::read(fd.fd, buffer.data(), buffer.size());
    if (count > 0) {
        std::size_t room = k_max_helper_output - std::min(into.size(), k_max_helper_output);
        into.append(buffer.data(), std::min(room, static_cast<std::size_t>(count)));
    } else if (count == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.reset();
    }
}

int reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

HelperRun run_helper(const std::string& command,
                     const std::vector<std::pair<std::string, std::string>>& environment,
                     const Deadline& deadline) {
    Pipe out;
    Pipe err;
    Fd& out_read = out.read;
    Fd& err_read = err.read;
    auto env = environment_of(environment);
    pid_t pid = spawn(command, env, out.write.fd, err.write.fd);
    out.write.reset();
    err.write.reset();
    HelperRun run;
    while (out_read.fd >= 0 || err_read.fd >= 0) {
        if (deadline.expired()) {
            ::kill(-pid, SIGKILL);
            reap(pid);
            throw Error(ErrorCategory::timed_out,
                        "the submit helper had not finished when --timeout ended (stopped)");
        }
        std::array<pollfd, 2> fds{{{out_read.fd, POLLIN, 0}, {err_read.fd, POLLIN, 0}}};
        int ready = ::poll(fds.data(), fds.size(), deadline.remaining_ms(k_poll_cap_ms));
        if (ready < 0 && errno != EINTR) {
            ::kill(-pid, SIGKILL);
            reap(pid);
            throw Error(
                ErrorCategory::certificate_failed,
                fmt::format("cannot read the submit helper's output: {}", std::strerror(errno)));
        }
        if (out_read.fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            drain(out_read, run.out);
        }
        if (err_read.fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            drain(err_read, run.err);
        }
    }
    run.exit_status = reap(pid);
    return run;
}

} // namespace amtcfg::ca::detail
