// Secret sources resolved against the process environment, files and the terminal.
#include "amtcfg/util/secret_input.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <termios.h>
#include <unistd.h>

namespace amtcfg {

namespace {

void strip_line_end(std::string& text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
}

[[noreturn]] void file_error(const std::string& path, std::string_view what, int error) {
    throw Error(ErrorCategory::usage, fmt::format("cannot read the {} from file {}: {}", what, path,
                                                  std::strerror(error)));
}

// Reads straight into `out`, sized once (no stream copies to wipe). The file may be a pipe
// (file:/dev/stdin, a shell's <(...)), so reads block as usual.
void from_file(const std::string& path, std::string_view what, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        file_error(path, what, errno);
    }
    out.assign(k_max_secret_file_size + 1, '\0');
    std::size_t size = 0;
    while (size < out.size()) {
        ssize_t n = ::read(fd, out.data() + size, out.size() - size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int error = errno;
            ::close(fd);
            wipe_string(out);
            file_error(path, what, error);
        }
        if (n == 0) {
            break;
        }
        size += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (size > k_max_secret_file_size) {
        wipe_string(out);
        throw Error(ErrorCategory::usage,
                    fmt::format("the {} file {} is larger than {} bytes; it is not a password "
                                "file",
                                what, path, k_max_secret_file_size));
    }
    out.resize(size);
    strip_line_end(out);
}

// Takes the value out of the environment: wiped where it lies (so /proc/<pid>/environ no longer
// shows it) and unset (so nothing amtcfg starts inherits it). The environment is process-wide,
// so the values taken are kept for the process too: a second source naming the same variable
// (--password env:PW and a profile's env:PW) gets the same value, unless the variable was set
// again since.
void from_environment(const std::string& name, std::string_view what, std::string& out) {
    static std::map<std::string, Secret> taken;
    char* env = std::getenv(name.c_str());
    if (env == nullptr) {
        auto it = taken.find(name);
        if (it == taken.end()) {
            throw Error(ErrorCategory::usage,
                        fmt::format("the {} source env:{} names an environment variable that is "
                                    "not set",
                                    what, name));
        }
        out = it->second.reveal();
        return;
    }
    out = env;
    OPENSSL_cleanse(env, std::strlen(env));
    ::unsetenv(name.c_str());
    taken.insert_or_assign(name, Secret(out));
}

void from_prompt(std::string_view what, std::string& out) {
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
    std::getline(std::cin, out);
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
}

} // namespace

Secret read_secret(const SecretSource& source, std::string_view what) {
    std::string value;
    switch (source.kind) {
    case SecretSourceKind::env:
        from_environment(source.location, what, value);
        break;
    case SecretSourceKind::file:
        from_file(source.location, what, value);
        break;
    case SecretSourceKind::standard_input:
        std::getline(std::cin, value);
        strip_line_end(value);
        break;
    case SecretSourceKind::prompt:
        from_prompt(what, value);
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
    Secret secret(std::move(value));
    wipe_string(value); // a moved short string leaves its characters behind
    return secret;
}

} // namespace amtcfg
