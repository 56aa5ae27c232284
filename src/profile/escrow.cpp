// Escrow: append-only, fsync'ed JSON lines in a 0600 file owned by the user running amtcfg.
#include "amtcfg/profile/escrow.hpp"

#include "escrow_io.hpp"

#include "amtcfg/crypto/random.hpp"
#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
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

} // namespace

[[noreturn]] void fail_errno(const std::string& path, std::string_view doing) {
    int error = errno;
    std::string hint;
    if (error == ELOOP) {
        hint = " (it is a symbolic link: give the path of the real file)";
    } else if (error == ENOENT) {
        hint = " (create the directory first)";
    } else if (error == ENXIO) {
        hint = " (it is a FIFO or a device, not a regular file: give a file path)";
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

namespace {

void sync_directory(const std::string& path) {
    auto directory = std::filesystem::path(path).parent_path();
    std::string name = directory.empty() ? "." : directory.string();
    Fd fd(::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        fail_errno(path, "flush the directory of");
    }
}

// Opens for appending (and reading, to find a torn last line); creates the file 0600 when it does
// not exist. O_NOFOLLOW refuses a symbolic link, which another user could point at a file they can
// read. O_NONBLOCK and the fstat before anything else: a FIFO or a device must not make the open
// or a read wait forever.
int open_escrow(const std::string& path) {
    constexpr int k_flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = ::open(path.c_str(), k_flags | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
    if (fd >= 0) {
        ::fchmod(fd, S_IRUSR | S_IWUSR); // the umask can only have removed bits; be explicit
    } else if (errno != EEXIST) {
        fail_errno(path, "create");
    } else {
        fd = ::open(path.c_str(), k_flags);
        if (fd < 0) {
            fail_errno(path, "open");
        }
    }
    try {
        check_safe(fd, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    // A regular file: blocking writes from here on, so write_all never sees EAGAIN.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
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

// A crash in the middle of an append can leave a last line without its newline. The record() that
// wrote it never returned, so that value was never sent to AMT: cut the line off, so that the
// next record starts a line of its own and the file stays well-formed.
void drop_torn_tail(int fd, const std::string& path) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        fail_errno(path, "inspect");
    }
    char last = '\n';
    if (info.st_size == 0 || (::pread(fd, &last, 1, info.st_size - 1) == 1 && last == '\n')) {
        return; // the usual case: empty, or ending with a whole line
    }
    std::array<char, 4096> buffer{};
    off_t keep = 0;
    for (off_t pos = info.st_size; pos > 0 && keep == 0;) {
        off_t start = std::max<off_t>(0, pos - static_cast<off_t>(buffer.size()));
        auto want = static_cast<std::size_t>(pos - start);
        if (::pread(fd, buffer.data(), want, start) != static_cast<ssize_t>(want)) {
            OPENSSL_cleanse(buffer.data(), buffer.size());
            fail_errno(path, "read");
        }
        for (std::size_t i = want; i > 0 && keep == 0; --i) {
            if (buffer[i - 1] == '\n') {
                keep = start + static_cast<off_t>(i);
            }
        }
        pos = start;
    }
    OPENSSL_cleanse(buffer.data(), buffer.size());
    if (::ftruncate(fd, keep) != 0) {
        fail_errno(path, "repair the torn last line of");
    }
}

std::string new_id() {
    return to_hex(crypto::random_bytes(8));
}

struct LineFields {
    std::string time;
    std::string uuid;
    std::string hostname;
    std::string secret;
    std::string id;
    EscrowStatus status;
};

// One record as a JSON line. Built in one buffer reserved up front, so no reallocation leaves a
// copy of the value behind; the caller wipes it after the write.
std::string format_line(const LineFields& f, const Secret* value) {
    std::string_view status = to_string(f.status);
    std::pair<std::string_view, std::string_view> fields[] = {
        {"time", f.time},
        {"uuid", f.uuid},
        {"hostname", f.hostname},
        {"secret", f.secret},
        {"id", f.id},
        {"status", status},
        {"value", value != nullptr ? std::string_view(value->reveal()) : std::string_view()},
    };
    std::size_t size = 128;
    for (const auto& [name, text] : fields) {
        size += name.size() + 6 * text.size();
    }
    std::string line;
    line.reserve(size);
    for (const auto& [name, text] : fields) {
        if (name == "value" && value == nullptr) {
            continue;
        }
        line += line.empty() ? "{" : ",";
        append_json_string(line, name);
        line += ':';
        append_json_string(line, text);
    }
    line += "}\n";
    return line;
}

} // namespace

std::string_view to_string(EscrowStatus status) {
    switch (status) {
    case EscrowStatus::pending:
        return "pending";
    case EscrowStatus::set:
        return "set";
    case EscrowStatus::failed:
        break;
    }
    return "failed";
}

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
    sync_directory(m_path);
}

std::string Escrow::record(const EscrowRecord& record, const Secret& value) const {
    return append(record, new_id(), EscrowStatus::pending, &value);
}

std::string Escrow::record_attempt(const EscrowRecord& record) const {
    return append(record, new_id(), EscrowStatus::pending, nullptr);
}

void Escrow::record_outcome(const EscrowRecord& record, std::string_view id,
                            EscrowStatus status) const {
    append(record, id, status, nullptr);
}

std::string Escrow::append(const EscrowRecord& record, std::string_view id, EscrowStatus status,
                           const Secret* value) const {
    Fd fd(open_escrow(m_path));
    // Another amtcfg may append to the same file; the lock keeps lines whole.
    if (::flock(fd.get(), LOCK_EX) != 0) {
        fail_errno(m_path, "lock");
    }
    drop_torn_tail(fd.get(), m_path);
    std::string line = format_line(
        {m_timestamp(), record.uuid, record.hostname, record.secret, std::string(id), status},
        value);
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
    return std::string(id);
}

} // namespace amtcfg::profile
