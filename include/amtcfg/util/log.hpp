// Log: leveled diagnostics to stderr and an optional log file, with secrets redacted.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3, trace = 4 };

// Receives finished log lines. The real sinks write stderr and the --log-file; tests record.
class LogSink {
public:
    virtual ~LogSink() = default;
    virtual void write(LogLevel level, std::string_view line) = 0;
};

// Passed by reference to whatever needs to log; there is no global logger. Every line goes
// through redact() first, so a secret registered with add_secret() never reaches a sink.
class Log {
public:
    Log() = default;
    void add_sink(LogSink& sink, LogLevel max_level);
    void add_secret(std::string_view secret);

    template <typename... Args> void error(fmt::format_string<Args...> format, Args&&... args) {
        emit(LogLevel::error, fmt::format(format, std::forward<Args>(args)...));
    }
    template <typename... Args> void warning(fmt::format_string<Args...> format, Args&&... args) {
        emit(LogLevel::warning, fmt::format(format, std::forward<Args>(args)...));
    }
    template <typename... Args> void info(fmt::format_string<Args...> format, Args&&... args) {
        emit(LogLevel::info, fmt::format(format, std::forward<Args>(args)...));
    }
    template <typename... Args> void debug(fmt::format_string<Args...> format, Args&&... args) {
        if (enabled(LogLevel::debug)) {
            emit(LogLevel::debug, fmt::format(format, std::forward<Args>(args)...));
        }
    }
    template <typename... Args> void trace(fmt::format_string<Args...> format, Args&&... args) {
        if (enabled(LogLevel::trace)) {
            emit(LogLevel::trace, fmt::format(format, std::forward<Args>(args)...));
        }
    }

    bool enabled(LogLevel level) const;
    // `text` with every registered secret replaced by "<redacted>". The result is built from
    // the pieces between secrets, so no buffer of it ever held one.
    std::string redact(std::string_view text) const;

private:
    void emit(LogLevel level, std::string text);

    struct Target {
        LogSink* sink;
        LogLevel max_level;
    };
    std::vector<Target> m_targets;
    std::vector<Secret> m_secrets; // Secret: relocation and destruction wipe the copies
};

// `text` safe for a terminal and a log file: control characters other than newline and tab
// (ESC, CR, BEL, DEL, C1 controls) are shown as \xNN / \u00NN instead of acting; "\r\n"
// becomes "\n". For anything that carries outside text: AMT's answers, file contents.
std::string strip_controls(std::string_view text);

// Writes "amtcfg: warning: ..." style lines to a stdio stream (stderr).
class StreamSink : public LogSink {
public:
    explicit StreamSink(std::FILE* stream) : m_stream(stream) {}
    void write(LogLevel level, std::string_view line) override;

private:
    std::FILE* m_stream;
};

// Appends timestamped lines to a file created 0600; the clock is injected for tests. The path
// must not be a symbolic link (O_NOFOLLOW), a FIFO or a device; an existing file must belong to
// the user running amtcfg and be closed to group and others. Else Error(usage) with the fix.
class FileSink : public LogSink {
public:
    FileSink(const std::string& path, std::function<std::string()> timestamp);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    void write(LogLevel level, std::string_view line) override;

private:
    std::FILE* m_file = nullptr;
    std::function<std::string()> m_timestamp;
};

std::string_view level_name(LogLevel level);
// The current UTC time as ISO 8601 with milliseconds, for log lines.
std::string utc_timestamp();

} // namespace amtcfg
