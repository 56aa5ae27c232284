// Escrow: append-only, fsync'ed JSON lines in a 0600 file owned by the user running amtcfg.
#include "amtcfg/profile/escrow.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amtcfg::profile {

namespace {

// Closes a descriptor on every path out of a function.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

[[noreturn]] void fail_errno(const std::string& path, std::string_view doing) {
    int error = errno;
    std::string hint;
    if (error == ELOOP) {
        hint = " (it is a symbolic link: give the path of the real file)";
    } else if (error == ENOENT) {
        hint = " (create the directory first)";
    }
    throw Error(ErrorCategory::usage, fmt::format("cannot {} the escrow file {}: {}{}", doing, path,
                                                  std::strerror(error), hint));
}

void check_safe(int fd, const std::string& path) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        fail_errno(path, "inspect");
    }
    if (!S_ISREG(info.st_mode)) {
        throw Error(
            ErrorCategory::usage,
            fmt::format("the escrow file {} is not a regular file (give a file path)", path));
    }
    if (info.st_uid != ::geteuid()) {
        throw Error(ErrorCategory::usage,
                    fmt::format("the escrow file {} belongs to uid {}, not to the user running "
                                "amtcfg (uid {}), who could read the passwords (use a file of "
                                "your own)",
                                path, info.st_uid, ::geteuid()));
    }
    if ((info.st_mode & 077U) != 0) {
        throw Error(ErrorCategory::usage,
                    fmt::format("the escrow file {} can be read or written by its group or "
                                "other users (mode {:04o}): run chmod 600 {} and try again",
                                path, info.st_mode & 07777U, path));
    }
}

void sync_directory(const std::string& path) {
    auto directory = std::filesystem::path(path).parent_path();
    std::string name = directory.empty() ? "." : directory.string();
    Fd fd(::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        fail_errno(path, "flush the directory of");
    }
}

// Opens for appending; creates the file 0600 when it does not exist. O_NOFOLLOW refuses a
// symbolic link, which another user could point at a file they can read.
int open_escrow(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    S_IRUSR | S_IWUSR);
    if (fd >= 0) {
        ::fchmod(fd, S_IRUSR | S_IWUSR); // the umask can only have removed bits; be explicit
        return fd;
    }
    if (errno != EEXIST) {
        fail_errno(path, "create");
    }
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        fail_errno(path, "open");
    }
    return fd;
}

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            fail_errno(path, "write");
        }
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            constexpr std::string_view k_hex = "0123456789abcdef";
            out += "\\u00";
            out += k_hex[byte >> 4U];
            out += k_hex[byte & 0xfU];
        } else {
            out += c;
        }
    }
    out += '"';
}

std::string json_quote(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

Escrow::Escrow(std::string path, std::function<std::string()> timestamp)
    : m_path(std::move(path)), m_timestamp(std::move(timestamp)) {}

void Escrow::check() const {
    Fd fd(open_escrow(m_path));
    check_safe(fd.get(), m_path);
    sync_directory(m_path);
}

void Escrow::record(const EscrowRecord& record, const Secret& value) const {
    Fd fd(open_escrow(m_path));
    check_safe(fd.get(), m_path);
    // Another amtcfg may append to the same file; the lock keeps lines whole.
    if (::flock(fd.get(), LOCK_EX) != 0) {
        fail_errno(m_path, "lock");
    }
    // Built in one buffer reserved up front, so no reallocation leaves a copy of the secret
    // behind, and wiped after the write.
    std::string time = m_timestamp();
    std::string line;
    line.reserve(64 + 6 * (time.size() + record.uuid.size() + record.hostname.size() +
                           record.secret.size() + value.size()));
    std::pair<std::string_view, std::string_view> fields[] = {
        {"time", time},
        {"uuid", record.uuid},
        {"hostname", record.hostname},
        {"secret", record.secret},
        {"value", value.reveal()},
    };
    for (const auto& [name, text] : fields) {
        line += line.empty() ? "{" : ",";
        append_json_string(line, name);
        line += ':';
        append_json_string(line, text);
    }
    line += "}\n";
    try {
        write_all(fd.get(), line, m_path);
    } catch (...) {
        wipe_string(line);
        throw;
    }
    wipe_string(line);
    if (::fsync(fd.get()) != 0) {
        fail_errno(m_path, "flush");
    }
    sync_directory(m_path);
}

} // namespace amtcfg::profile
