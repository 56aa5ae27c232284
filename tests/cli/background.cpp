// Background commands for crash tests: own process group, event-driven waits, SIGKILL, reaping.
#include "background.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace amtcfg::test {

namespace {

// Closes a descriptor when the wait is over.
struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

void drain(int fd) {
    alignas(inotify_event) char buffer[4096];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

} // namespace

Background::Background(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env) {
    // Orphans of the group (amtcfg once with-sim.sh's shell is killed) become our children.
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    std::string out = m_io.file("out"), err = m_io.file("err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<std::string> env_strings = environment_with(env);
    std::vector<char*> envp = pointers(env_strings);
    std::vector<std::string> args = argv;
    std::vector<char*> argp = pointers(args);
    int rc = ::posix_spawnp(&m_pid, argp[0], &actions, &attributes, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    REQUIRE(rc == 0);
    m_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0));
    REQUIRE(m_pidfd >= 0);
}

Background::~Background() {
    kill();
    ::close(m_pidfd);
}

bool Background::wait_until(const std::string& directory, const std::function<bool()>& ready,
                            std::chrono::milliseconds limit) {
    FdCloser events{::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
    REQUIRE(events.fd >= 0);
    // Watching starts before the first check, so no change can slip between the two.
    REQUIRE(::inotify_add_watch(events.fd, directory.c_str(),
                                IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) >= 0);
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ready()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd fds[] = {{events.fd, POLLIN, 0}, {m_pidfd, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) {
            FAIL("poll: " << errno);
        }
        if ((fds[1].revents & POLLIN) != 0) {
            return ready(); // the command ended: one last look
        }
        drain(events.fd);
    }
    return true;
}

bool Background::kill() {
    if (m_reaped) {
        return m_killed;
    }
    ::kill(-m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    reap_group();
    m_reaped = true;
    return m_killed;
}

// Waits for every other member of the group; they are ours through the subreaper flag.
void Background::reap_group() {
    for (;;) {
        if (::waitpid(-m_pid, nullptr, 0) > 0 || errno == EINTR) {
            continue;
        }
        return; // ECHILD: nothing of the group is left
    }
}

std::string Background::err() const {
    return file_content(m_io.file("err"));
}

} // namespace amtcfg::test
