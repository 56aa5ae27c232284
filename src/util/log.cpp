// Log fan-out, redaction and the stderr / file sinks.
#include "amtcfg/util/log.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace amtcfg {

void Log::add_sink(LogSink& sink, LogLevel max_level) {
    m_targets.push_back({&sink, max_level});
}

void Log::add_secret(std::string_view secret) {
    if (!secret.empty()) {
        m_secrets.emplace_back(secret);
    }
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
    std::string out(text);
    for (const auto& secret : m_secrets) {
        for (auto pos = out.find(secret); pos != std::string::npos;
             pos = out.find(secret, pos + 10)) {
            out.replace(pos, secret.size(), "<redacted>");
        }
    }
    return out;
}

void Log::emit(LogLevel level, std::string text) {
    std::string line = redact(text);
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
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot open the log file {}: {}", path, std::strerror(errno)));
    }
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
