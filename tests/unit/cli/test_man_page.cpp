// The man page documents every subcommand and every global option of the real binary.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string help_of_binary() {
    std::string out;
    FILE* pipe = ::popen(AMTCFG_BINARY_DIR "/amtcfg --help 2>&1", "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
        out += buffer.data();
    }
    ::pclose(pipe);
    return out;
}

} // namespace

TEST_CASE("every subcommand and global option in --help is in the man page", "[unit]") {
    std::string help = help_of_binary();
    std::string man = read_file(AMTCFG_SOURCE_DIR "/man/amtcfg.1");
    REQUIRE(help.find("Subcommands:") != std::string::npos);

    std::set<std::string> options;
    std::regex option_re(R"((?:^|[ ,])(--[a-z][a-z-]+))");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option_re);
         it != std::sregex_iterator(); ++it) {
        options.insert((*it)[1]);
    }
    options.erase("--help");
    REQUIRE(options.count("--json") == 1);
    for (const auto& option : options) {
        INFO("option " << option);
        // groff escapes the dashes: --json is written \-\-json.
        std::string escaped = std::regex_replace(option, std::regex("-"), "\\-");
        CHECK(man.find(escaped) != std::string::npos);
    }

    auto commands_at = help.find("Subcommands:");
    std::istringstream lines(help.substr(commands_at));
    std::string line;
    std::getline(lines, line);
    int count = 0;
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_match(line, m, std::regex(R"(\s+([a-z-]+)\s+.*)"))) {
            INFO("command " << m[1]);
            CHECK(man.find(".B " + std::string(m[1]) + "\n") != std::string::npos);
            ++count;
        }
    }
    CHECK(count >= 1);
}
