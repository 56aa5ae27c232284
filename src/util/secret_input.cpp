// Secret sources resolved against the process environment, files and the terminal.
#include "amtcfg/util/secret_input.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <termios.h>
#include <unistd.h>

namespace amtcfg {

namespace {

void strip_line_end(std::string& text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
}

std::string from_file(const std::string& path, std::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCategory::usage, fmt::format("cannot read the {} from file {}: {}", what,
                                                      path, std::strerror(errno)));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    strip_line_end(text);
    return text;
}

std::string from_prompt(std::string_view what) {
    if (isatty(STDIN_FILENO) == 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot prompt for the {}: standard input is not a terminal (use "
                                "env:NAME, file:PATH or stdin instead)",
                                what));
    }
    std::cerr << "Enter the " << what << ": " << std::flush;
    termios saved{};
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
    return line;
}

} // namespace

Secret read_secret(const SecretSource& source, std::string_view what) {
    std::string value;
    switch (source.kind) {
    case SecretSourceKind::env: {
        const char* env = std::getenv(source.location.c_str());
        if (env == nullptr) {
            throw Error(ErrorCategory::usage,
                        fmt::format("the {} source env:{} names an environment variable that is "
                                    "not set",
                                    what, source.location));
        }
        value = env;
        break;
    }
    case SecretSourceKind::file:
        value = from_file(source.location, what);
        break;
    case SecretSourceKind::standard_input:
        std::getline(std::cin, value);
        strip_line_end(value);
        break;
    case SecretSourceKind::prompt:
        value = from_prompt(what);
        break;
    case SecretSourceKind::random:
        throw Error(ErrorCategory::usage,
                    fmt::format("the {} cannot come from \"random\" here", what));
    case SecretSourceKind::literal:
        return source.literal.clone();
    case SecretSourceKind::escrow:
        // The flows resolve escrow: for the admin password, where they know the device's UUID.
        throw Error(ErrorCategory::usage,
                    fmt::format("the {} cannot come from {}: escrow:FILE is a source for the "
                                "current admin password (--password) only",
                                what, describe(source)));
    }
    if (value.empty()) {
        throw Error(ErrorCategory::usage,
                    fmt::format("the {} from {} is empty", what, describe(source)));
    }
    return Secret(std::move(value));
}

} // namespace amtcfg
