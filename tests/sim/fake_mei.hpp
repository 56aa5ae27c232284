// A fake /dev/mei0 with the kernel's semantics (reference/mei-heci.md section 1): each open
// gives a real timerfd that polls readable exactly when a reply message is due, so the client's
// own poll() works unmodified; read/write/ioctl/close on those fds come here.
#pragma once

#include "simulator.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>

namespace amtcfg::sim {

// libc entry points the fake device calls for its own fds (the interposer passes the real
// ones so that closing a timerfd does not come back to it).
struct RealCalls {
    int (*close)(int) = nullptr;
};

class FakeFile;

class FakeMei {
public:
    FakeMei(Simulator& simulator, RealCalls real);
    FakeMei(const FakeMei&) = delete;
    FakeMei& operator=(const FakeMei&) = delete;

    // "/dev/mei" and "/dev/meiN": the nodes the simulator answers for.
    static bool is_mei_path(const char* path);
    bool owns(int fd) const;

    // Each returns what the syscall returns, setting errno on failure.
    int open(const char* path, int flags);
    int close(int fd);
    ssize_t read(int fd, void* buffer, std::size_t length);
    ssize_t write(int fd, const void* buffer, std::size_t length);
    int ioctl(int fd, unsigned long request, void* argument);

private:
    std::shared_ptr<FakeFile> find(int fd) const;
    int connect(FakeFile& file, void* argument);
    // The simulated firmware reset of mei-reset-after: every connection dies with ENODEV.
    void reset_all();

    Simulator& m_sim;
    RealCalls m_real;
    mutable std::mutex m_mutex; // guards everything below
    std::map<int, std::shared_ptr<FakeFile>> m_files;
    std::map<std::string, int> m_holders; // open connections per single-instance client
    unsigned long m_connect_attempts = 0;
    unsigned long m_messages = 0;
    unsigned long m_generation = 0; // bumped by each reset
    bool m_reset_done = false;
};

} // namespace amtcfg::sim
