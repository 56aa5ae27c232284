// Helpers for CLI tests: run the real amtcfg (optionally under with-sim.sh) and capture output.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace amtcfg::test {

struct Run {
    int status = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const; // stdout parsed as JSON (fails the test if it is not)
};

// Runs argv[0] with the rest as arguments; `env` is added to the environment and `input`
// is fed to standard input.
Run run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
        const std::string& input = "");

// This process's environment with `env` added, as "NAME=value" strings; and the NULL-ended
// pointer array exec functions take (pointing into `strings`).
std::vector<std::string> environment_with(const std::map<std::string, std::string>& env);
std::vector<char*> pointers(std::vector<std::string>& strings);
// A whole file's content ("" when it cannot be read).
std::string file_content(const std::string& path);

// Paths in the source and build trees.
std::string amtcfg_binary(); // build/amtcfg
std::string with_sim();      // scripts/with-sim.sh
std::string source_path(const std::string& relative);

// A fresh empty directory for one test, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

} // namespace amtcfg::test
