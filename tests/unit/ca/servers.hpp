// Real CA software for the issuer tests, started on a free loopback port and stopped after:
// the Debian scep package's scepserver, and `openssl cmp`'s mock server. A test whose binary is
// missing skips (WARN) — scripts/deps.sh installs them.
#pragma once

#include "support.hpp"

#include "fakes/loopback.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace amtcfg::test {

inline bool have_program(const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

// A server process: argv, its output in `log`, stopped (SIGTERM, then reaped) on destruction.
class ServerProcess {
public:
    ServerProcess(std::vector<std::string> argv, const std::string& log, std::uint16_t port)
        : m_port(port) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        std::vector<char*> args;
        for (auto& arg : argv) {
            args.push_back(arg.data());
        }
        args.push_back(nullptr);
        int status = ::posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(status == 0);
        // Poll for the port with a bounded backoff (10 ms doubling, about 10 s in all).
        auto wait = std::chrono::milliseconds(10);
        for (int attempt = 0; attempt < 14 && !port_accepts(port); ++attempt) {
            int child = 0;
            REQUIRE(::waitpid(m_pid, &child, WNOHANG) == 0); // it must not have exited
            std::this_thread::sleep_for(wait);
            wait = std::min(wait * 2, std::chrono::milliseconds(1000));
        }
        INFO(read_text(log));
        REQUIRE(port_accepts(port));
    }
    ~ServerProcess() {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    std::uint16_t port() const { return m_port; }

private:
    pid_t m_pid = -1;
    std::uint16_t m_port = 0;
};

inline const char* const k_scepserver = "/usr/bin/scepserver";

// scepserver with a CA depot it initialised itself (depot/ca.pem, depot/ca.key) and a challenge.
struct ScepServer {
    TempDir dir;
    std::unique_ptr<ServerProcess> process;

    explicit ScepServer(const std::string& challenge) {
        run(std::string(k_scepserver) + " ca -init -depot '" + dir.file("depot") +
            "' -keySize 2048 -organization 'amtcfg test' -country DE");
        std::uint16_t port = closed_port();
        process = std::make_unique<ServerProcess>(
            std::vector<std::string>{k_scepserver, "-depot", dir.file("depot"), "-port",
                                     std::to_string(port), "-challenge", challenge},
            dir.file("server.log"), port);
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(process->port()) + "/scep";
    }
    std::string ca_pem() const { return dir.file("depot/ca.pem"); }
};

} // namespace amtcfg::test

namespace amtcfg::test {

inline const char* const k_openssl = "/usr/bin/openssl";

// `openssl cmp`'s mock server with reference + secret (a file: no secret in argv), answering
// every p10cr with the certificate in `response_certificate` (made for the test's key before).
struct CmpMock {
    std::unique_ptr<ServerProcess> process;

    CmpMock(const TempDir& dir, const std::string& reference, const std::string& secret,
            const std::string& response_certificate) {
        write_text(dir.file("cmp-secret"), secret + "\n");
        std::uint16_t port = closed_port();
        process = std::make_unique<ServerProcess>(
            std::vector<std::string>{k_openssl, "cmp", "-port", std::to_string(port), "-srv_ref",
                                     reference, "-srv_secret", "file:" + dir.file("cmp-secret"),
                                     "-srv_cert", dir.file("ca.pem"), "-srv_key",
                                     dir.file("ca.key"), "-rsp_cert", response_certificate,
                                     "-rsp_extracerts", dir.file("ca.pem")},
            dir.file("cmp-mock.log"), port);
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(process->port()) + "/pkix/";
    }
};

} // namespace amtcfg::test
