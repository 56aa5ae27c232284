// Process running and temp directories for the CLI tests.
#include "support.hpp"

#include "json_contract.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace amtcfg::test {

std::string file_content(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

nlohmann::json Run::json() const {
    INFO("stdout: " << out << "\nstderr: " << err);
    REQUIRE(nlohmann::json::accept(out));
    return nlohmann::json::parse(out);
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& env) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        merged[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& [k, v] : env) {
        merged[k] = v;
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) {
        env_strings.push_back(k + "=" + v);
    }
    return env_strings;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

Run run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::string& input) {
    TempDir io;
    std::ofstream(io.file("in")) << input;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, io.file("in").c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, io.file("out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, io.file("err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);

    std::vector<std::string> env_strings = environment_with(env);
    std::vector<char*> envp = pointers(env_strings);
    std::vector<std::string> args = argv;
    std::vector<char*> argp = pointers(args);

    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    Run result;
    result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    result.out = file_content(io.file("out"));
    result.err = file_content(io.file("err"));
    check_json_contract(argv, result); // a --json output that breaks its schema fails this test
    return result;
}

std::string amtcfg_binary() {
    return AMTCFG_BINARY_DIR "/amtcfg";
}
std::string with_sim() {
    return AMTCFG_SOURCE_DIR "/scripts/with-sim.sh";
}
std::string source_path(const std::string& relative) {
    return std::string(AMTCFG_SOURCE_DIR) + "/" + relative;
}

TempDir::TempDir() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/amtcfg-test-XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    REQUIRE(made != nullptr);
    m_path = made;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace amtcfg::test
