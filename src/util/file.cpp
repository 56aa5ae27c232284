// Atomic private file writes (temp file + fsync + rename) and bounded whole-file reads.
#include "amtcfg/util/file.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amtcfg {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

void write_all(int fd, ByteView data, const std::string& temp, std::string_view what) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            std::string reason = errno_text();
            ::close(fd);
            ::unlink(temp.c_str());
            throw Error(ErrorCategory::usage,
                        fmt::format("cannot write the {} to {}: {}", what, temp, reason));
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace

void write_private_file(const std::string& path, ByteView data, std::string_view what) {
    std::string temp = path + ".tmp-XXXXXX";
    // mkstemp creates the file 0600, so the secrets are never readable by others.
    int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot create the {} next to {}: {} (check that the directory "
                                "exists and is writable)",
                                what, path, errno_text()));
    }
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    write_all(fd, data, temp, what);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        std::string reason = errno_text();
        ::unlink(temp.c_str());
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot flush the {} to {}: {}", what, temp, reason));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::string reason = errno_text();
        ::unlink(temp.c_str());
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot rename {} to {}: {}", temp, path, reason));
    }
}

Bytes read_whole_file(const std::string& path, std::size_t max_size, std::string_view what) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("cannot read the {} {}: {}", what, path, errno_text()));
    }
    Bytes data;
    std::uint8_t buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            std::string reason = errno_text();
            ::close(fd);
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("cannot read the {} {}: {}", what, path, reason));
        }
        if (n == 0) {
            break;
        }
        data.insert(data.end(), buffer, buffer + n);
        if (data.size() > max_size) {
            ::close(fd);
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("the {} {} is larger than {} bytes; it cannot be one", what,
                                    path, max_size));
        }
    }
    ::close(fd);
    return data;
}

} // namespace amtcfg
