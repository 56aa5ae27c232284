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

Error exists_error(const std::string& path, std::string_view what) {
    return Error(ErrorCategory::usage,
                 fmt::format("{} exists already; amtcfg does not overwrite a {} unless --force is "
                             "given",
                             path, what));
}

// The rename that puts the finished file in place. Overwrite::refuse uses RENAME_NOREPLACE, so
// a file that appeared since check_overwrite() is not replaced either; link() does the same on
// file systems without it.
void move_into_place(const std::string& temp, const std::string& path, std::string_view what,
                     Overwrite overwrite) {
    int result = 0;
    if (overwrite == Overwrite::replace) {
        result = std::rename(temp.c_str(), path.c_str());
    } else {
        result = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
        if (result != 0 && (errno == EINVAL || errno == ENOSYS)) {
            result = ::link(temp.c_str(), path.c_str());
            if (result == 0) {
                ::unlink(temp.c_str());
            }
        }
    }
    if (result == 0) {
        return;
    }
    int error = errno;
    ::unlink(temp.c_str());
    if (error == EEXIST) {
        throw exists_error(path, what);
    }
    throw Error(ErrorCategory::usage,
                fmt::format("cannot rename {} to {}: {}", temp, path, std::strerror(error)));
}

// After a rename the new directory entry is on disk only once the directory is flushed.
void sync_directory_of(const std::string& path, std::string_view what) {
    auto slash = path.rfind('/');
    std::string directory = slash == std::string::npos ? "." : path.substr(0, slash);
    if (directory.empty()) {
        directory = "/";
    }
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        std::string reason = errno_text();
        if (fd >= 0) {
            ::close(fd);
        }
        throw Error(ErrorCategory::usage,
                    fmt::format("cannot flush the directory of the {} {}: {}", what, path, reason));
    }
    ::close(fd);
}

} // namespace

void check_overwrite(const std::string& path, std::string_view what, Overwrite overwrite) {
    struct stat info {};
    if (overwrite == Overwrite::refuse && ::lstat(path.c_str(), &info) == 0) {
        throw exists_error(path, what);
    }
}

void write_private_file(const std::string& path, ByteView data, std::string_view what,
                        Overwrite overwrite) {
    check_overwrite(path, what, overwrite);
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
    move_into_place(temp, path, what, overwrite);
    sync_directory_of(path, what);
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
