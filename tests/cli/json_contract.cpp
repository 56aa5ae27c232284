// Checks every --json output of the CLI tests against docs/schema/, through one long-running
// validator process (tests/cli/validate_json.py) per test binary, started on first use.
#include "json_contract.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace amtcfg::test {

namespace {

constexpr std::array k_commands{"info",        "configure",  "maintain",
                                "unconfigure", "create-psk", "version"};
// amtcfg's global options that take a value (src/cli/app.cpp), so a value is not taken for
// the command name.
constexpr std::array k_global_options_with_value{"--log-file",    "--device",        "--transport",
                                                 "--lms-address", "--lms-port",      "--timeout",
                                                 "--amt-ca",      "--amt-ondie-root"};

// The Debian interpreter, not whatever `python3` is first on PATH (a pyenv shim has no
// jsonschema); -I ignores PYTHON* variables and the user's site directory.
constexpr const char* k_python = "/usr/bin/python3";

template <std::size_t N>
bool one_of(const std::array<const char*, N>& names, const std::string& word) {
    return std::find(names.begin(), names.end(), word) != names.end();
}

// The validator process: requests and answers are one JSON object per line over a socket pair
// (MSG_NOSIGNAL: a validator that died is a test failure, not a SIGPIPE).
class Validator {
public:
    ~Validator() {
        if (m_fd >= 0) {
            ::close(m_fd); // end of input: the validator exits
            ::waitpid(m_pid, nullptr, 0);
        }
    }

    nlohmann::json ask(const nlohmann::json& request) {
        if (m_fd < 0) {
            start();
        }
        std::string line = request.dump() + "\n";
        for (std::size_t sent = 0; sent < line.size();) {
            ssize_t n = ::send(m_fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            REQUIRE_FALSE(n <= 0); // the validator ended: its reason is on stderr
            sent += static_cast<std::size_t>(n);
        }
        return nlohmann::json::parse(read_line());
    }

private:
    void start() {
        std::array<int, 2> fds{};
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        std::vector<std::string> args{k_python, "-I", source_path("tests/cli/validate_json.py"),
                                      source_path("docs/schema")};
        std::vector<char*> argp = pointers(args);
        int rc = ::posix_spawn(&m_pid, k_python, &actions, nullptr, argp.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        INFO("cannot start " << k_python << " (scripts/deps.sh installs python3-jsonschema)");
        REQUIRE(rc == 0);
        m_fd = fds[0];
    }

    std::string read_line() {
        for (;;) {
            auto end = m_buffer.find('\n');
            if (end != std::string::npos) {
                std::string line = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 1);
                return line;
            }
            std::array<char, 4096> chunk{};
            ssize_t n = ::recv(m_fd, chunk.data(), chunk.size(), 0);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            INFO("the JSON schema validator ended (its reason is on stderr; scripts/deps.sh "
                 "installs python3-jsonschema)");
            REQUIRE(n > 0);
            m_buffer.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }

    int m_fd = -1;
    pid_t m_pid = -1;
    std::string m_buffer;
};

Validator& validator() {
    static Validator instance;
    return instance;
}

std::string problem_of(const nlohmann::json& answer) {
    return answer.value("ok", false) ? "" : answer.value("message", answer.dump());
}

} // namespace

std::string json_command(const std::vector<std::string>& argv) {
    auto amtcfg = std::find_if(argv.begin(), argv.end(), [](const std::string& a) {
        return std::filesystem::path(a).filename() == "amtcfg";
    });
    if (amtcfg == argv.end() || std::find(amtcfg, argv.end(), "--json") == argv.end()) {
        return "";
    }
    for (auto a = amtcfg + 1; a != argv.end(); ++a) {
        if (one_of(k_global_options_with_value, *a)) {
            ++a; // its value
            if (a == argv.end()) {
                break;
            }
        } else if (a->rfind('-', 0) != 0) {
            if (!one_of(k_commands, *a)) {
                return ""; // an unknown command: no result to check
            }
            // configure, maintain and unconfigure with --server print the remote result.
            return std::find(a, argv.end(), "--server") != argv.end() ? "remote" : *a;
        }
    }
    return "";
}

std::string json_contract_problem(const std::string& command, int status,
                                  const nlohmann::json& document) {
    return problem_of(
        validator().ask({{"command", command}, {"status", status}, {"document", document}}));
}

std::string schema_files_problem() {
    return problem_of(validator().ask({{"check", "schemas"}}));
}

void check_json_contract(const std::vector<std::string>& argv, const Run& result) {
    std::string command = json_command(argv);
    if (command.empty()) {
        return;
    }
    std::string command_line;
    for (const auto& a : argv) {
        command_line += (command_line.empty() ? "" : " ") + a;
    }
    INFO("command: " << command_line << "\nstdout: " << result.out << "\nstderr: " << result.err);
    if (!nlohmann::json::accept(result.out)) {
        FAIL_CHECK("amtcfg --json " << command << " (exit " << result.status
                                    << ") did not print one JSON object on stdout");
        return;
    }
    std::string problem =
        json_contract_problem(command, result.status, nlohmann::json::parse(result.out));
    if (!problem.empty()) {
        FAIL_CHECK(problem);
    }
}

} // namespace amtcfg::test
