// A command running in the background that a test kills at a moment it picks (crash tests).
#pragma once

#include "support.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace amtcfg::test {

// Runs argv in its own process group, so that SIGKILL reaches the command and everything it
// started (with-sim.sh and the amtcfg under it). The test process becomes a child subreaper,
// so the grandchildren can be reaped too: after kill() nothing of the command runs any more.
class Background {
public:
    Background(const std::vector<std::string>& argv,
               const std::map<std::string, std::string>& env = {});
    ~Background(); // kills and reaps whatever still runs
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    // Waits, without polling on a timer, until `ready()` holds: it is checked again whenever a
    // file in `directory` changes (inotify). Returns false when the command ended or `limit`
    // passed first.
    bool wait_until(const std::string& directory, const std::function<bool()>& ready,
                    std::chrono::milliseconds limit);
    // SIGKILLs the process group and reaps all of it. True when the command was still running
    // (the kill is what ended it), false when it had already exited on its own.
    bool kill();
    std::string err() const; // what the command wrote to stderr

private:
    void reap_group();

    TempDir m_io; // the command's stdout and stderr
    pid_t m_pid = -1;
    int m_pidfd = -1;
    bool m_reaped = false;
    bool m_killed = false;
};

} // namespace amtcfg::test
