// A real HTTP proxy for tests: Debian's tinyproxy, started in the foreground (-d) with a config
// file of its own on a free loopback port, and stopped (SIGTERM, waited for) with the fixture.
#pragma once

#include "fakes/loopback.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ; // NOLINT: POSIX

namespace amtcfg::test {

struct TinyProxyOptions {
    std::vector<std::uint16_t> connect_ports; // CONNECT allowed to these only; empty: any port
    std::string user;                         // with `password`: tinyproxy's BasicAuth
    std::string password;
};

class TinyProxy {
public:
    explicit TinyProxy(TinyProxyOptions options = {}) : m_options(std::move(options)) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "amtcfg-tinyproxy-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a directory for tinyproxy");
        }
        m_dir = pattern;
        // The port is learned by binding and closing, so another process may take it first:
        // a tinyproxy that cannot listen exits, and the next free port is tried.
        for (int attempt = 0; attempt < 5 && m_pid <= 0; ++attempt) {
            start(closed_port());
        }
        if (m_pid <= 0) {
            std::string output = read(m_dir / "output");
            remove();
            throw std::runtime_error("tinyproxy did not start: " + output);
        }
    }
    ~TinyProxy() {
        stop();
        remove();
    }
    TinyProxy(const TinyProxy&) = delete;
    TinyProxy& operator=(const TinyProxy&) = delete;

    std::uint16_t port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // The URL with the BasicAuth credentials in it, as --proxy and https_proxy take them.
    std::string url_with_credentials() const {
        return "http://" + m_options.user + ":" + m_options.password +
               "@127.0.0.1:" + std::to_string(m_port);
    }
    // tinyproxy's log; it names each request, e.g. "CONNECT 127.0.0.1:4443 HTTP/1.1".
    std::string log() const { return read(m_dir / "log"); }
    bool saw_connect_to(std::uint16_t port) const {
        return log().find("CONNECT 127.0.0.1:" + std::to_string(port) + " ") != std::string::npos;
    }
    // Stops the proxy now (a test of what happens when it is gone); the destructor does it too.
    void stop() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            ::waitpid(m_pid, nullptr, 0);
            m_pid = -1;
        }
    }

private:
    static std::string read(const std::filesystem::path& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    void write_config(std::uint16_t port) const {
        std::ofstream config(m_dir / "tinyproxy.conf");
        config << "Port " << port << "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\n"
               << "MaxClients 32\nLogLevel Connect\nLogFile \"" << (m_dir / "log").string()
               << "\"\n";
        for (std::uint16_t allowed : m_options.connect_ports) {
            config << "ConnectPort " << allowed << "\n";
        }
        if (!m_options.user.empty()) {
            config << "BasicAuth " << m_options.user << " " << m_options.password << "\n";
        }
    }

    void start(std::uint16_t port) {
        write_config(port);
        std::string config = (m_dir / "tinyproxy.conf").string();
        std::string output = (m_dir / "output").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        std::vector<std::string> args{"tinyproxy", "-d", "-c", config};
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        pid_t pid = -1;
        int failed = ::posix_spawnp(&pid, "tinyproxy", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (failed != 0) {
            throw std::runtime_error("cannot start tinyproxy (scripts/deps.sh installs it)");
        }
        // Ready once it accepts connections: polled with a bounded backoff, no fixed sleep.
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        auto pause = std::chrono::milliseconds(1);
        while (std::chrono::steady_clock::now() < give_up) {
            if (::waitpid(pid, nullptr, WNOHANG) == pid) {
                return; // it exited: the port was taken, or the config refused
            }
            if (port_accepts(port)) {
                m_pid = pid;
                m_port = port;
                return;
            }
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(100));
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }

    void remove() {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }

    TinyProxyOptions m_options;
    std::filesystem::path m_dir;
    pid_t m_pid = -1;
    std::uint16_t m_port = 0;
};

} // namespace amtcfg::test
