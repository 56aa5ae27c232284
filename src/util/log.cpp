// Log fan-out, redaction and the stderr / file sinks.
#include "amtcfg/util/log.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amtcfg {

namespace {

[[noreturn]] void log_file_error(const std::string& path, int error) {
    std::string hint;
    if (error == ELOOP) {
        hint = " (it is a symbolic link, which another user could point elsewhere: give the path "
               "of the real file)";
    } else if (error == ENXIO) {
        hint = " (it is a FIFO or a device, not a regular file)";
    }
    throw Error(ErrorCategory::usage,
                fmt::format("cannot open the log file {}: {}{}", path, std::strerror(error), hint));
}

// A log file of someone else's, or one others may read, would leak what amtcfg did (and a
// planted one could be swapped under it); the checks are on the opened descriptor.
void check_log_file(int fd, const std::string& path) {
    struct stat info {};
    std::string problem;
    if (::fstat(fd, &info) != 0) {
        problem = std::strerror(errno);
    } else if (!S_ISREG(info.st_mode)) {
        problem = "it is not a regular file";
    } else if (info.st_uid != ::geteuid()) {
        problem = fmt::format("it belongs to uid {}, not to the user running amtcfg (uid {}); use "
                              "a file of your own",
                              info.st_uid, ::geteuid());
    } else if ((info.st_mode & 077U) != 0) {
        problem = fmt::format("its group or other users may read or write it (mode {:04o}); run "
                              "chmod 600 {}",
                              info.st_mode & 07777U, path);
    }
    if (!problem.empty()) {
        ::close(fd);
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot use the log file {}: {}", path, problem));
    }
}

// O_NOFOLLOW: no symbolic link; O_NONBLOCK: a FIFO must not hang the open; a new file is
// created 0600 whatever the umask.
int open_log_file(const std::string& path) {
    constexpr int k_flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = ::open(path.c_str(), k_flags | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
    if (fd >= 0) {
        ::fchmod(fd, S_IRUSR | S_IWUSR);
    } else if (errno == EEXIST) {
        fd = ::open(path.c_str(), k_flags);
    }
    if (fd < 0) {
        log_file_error(path, errno);
    }
    check_log_file(fd, path);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

} // namespace

void Log::add_sink(LogSink& sink, LogLevel max_level) {
    m_targets.push_back({&sink, max_level});
}

void Log::add_secret(std::string_view secret) {
    if (secret.empty()) {
        return;
    }
    for (const auto& known : m_secrets) {
        if (known.reveal() == secret) {
            return;
        }
    }
    m_secrets.emplace_back(std::string(secret));
}

bool Log::enabled(LogLevel level) const {
    for (const auto& t : m_targets) {
        if (level <= t.max_level) {
            return true;
        }
    }
    return false;
}

std::string Log::redact(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    std::size_t copied = 0;
    while (pos < text.size()) {
        // The longest secret that starts here, so one that contains another is hidden whole.
        std::size_t match = 0;
        for (const auto& secret : m_secrets) {
            const std::string& value = secret.reveal();
            if (value.size() > match && text.substr(pos, value.size()) == value) {
                match = value.size();
            }
        }
        if (match == 0) {
            ++pos;
            continue;
        }
        out.append(text.substr(copied, pos - copied));
        out.append("<redacted>");
        pos += match;
        copied = pos;
    }
    out.append(text.substr(copied));
    return out;
}

std::string strip_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
        if (byte == '\r' && next == '\n') {
            continue;
        }
        if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {
            out += fmt::format("\\u{:04x}", next); // a C1 control (CSI is U+009B) in UTF-8
            ++i;
        } else {
            out += static_cast<char>(byte);
        }
    }
    return out;
}

void Log::emit(LogLevel level, std::string text) {
    std::string line = strip_controls(redact(text));
    wipe_string(text);
    for (const auto& t : m_targets) {
        if (level <= t.max_level) {
            t.sink->write(level, line);
        }
    }
}

std::string_view level_name(LogLevel level) {
    switch (level) {
    case LogLevel::error:
        return "error";
    case LogLevel::warning:
        return "warning";
    case LogLevel::info:
        return "info";
    case LogLevel::debug:
        return "debug";
    case LogLevel::trace:
        return "trace";
    }
    return "?";
}

void StreamSink::write(LogLevel level, std::string_view line) {
    if (level <= LogLevel::warning) {
        fmt::print(m_stream, "amtcfg: {}: {}\n", level_name(level), line);
    } else {
        fmt::print(m_stream, "{}\n", line);
    }
    std::fflush(m_stream);
}

FileSink::FileSink(const std::string& path, std::function<std::string()> timestamp)
    : m_timestamp(std::move(timestamp)) {
    int fd = open_log_file(path);
    m_file = ::fdopen(fd, "a");
    if (m_file == nullptr) {
        ::close(fd);
        throw Error(ErrorCategory::internal, "cannot open a stream on the log file " + path);
    }
}

FileSink::~FileSink() {
    if (m_file != nullptr) {
        std::fclose(m_file);
    }
}

void FileSink::write(LogLevel level, std::string_view line) {
    fmt::print(m_file, "{} {:<7} {}\n", m_timestamp(), level_name(level), line);
    std::fflush(m_file);
}

std::string utc_timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

} // namespace amtcfg
