// The escrow reader: a strict parser of the escrow file's JSON lines (a torn last line aside) and
// what the records say about each device's secrets.
#include "amtcfg/profile/escrow.hpp"

#include "escrow_io.hpp"
#include "escrow_line.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amtcfg::profile {

namespace {

// Larger than any escrow file of a real fleet; a bigger one is not an escrow file.
constexpr std::size_t k_max_file_size = 64U << 20U;

void wipe_fields(std::map<std::string, std::string>& fields) {
    for (auto& [name, value] : fields) {
        wipe_string(value);
    }
}

// The field `name`, moved out of `fields`; nullopt when absent.
std::optional<std::string> take(std::map<std::string, std::string>& fields, std::string_view name) {
    auto found = fields.find(std::string(name));
    if (found == fields.end()) {
        return std::nullopt;
    }
    std::string value = std::move(found->second);
    fields.erase(found);
    return value;
}

std::string required(std::map<std::string, std::string>& fields, std::string_view name) {
    auto value = take(fields, name);
    if (!value || value->empty()) {
        throw Malformed{fmt::format("the record has no \"{}\"", name)};
    }
    return std::move(*value);
}

EscrowStatus status_named(const std::string& name) {
    for (auto status : {EscrowStatus::pending, EscrowStatus::set, EscrowStatus::failed}) {
        if (name == to_string(status)) {
            return status;
        }
    }
    throw Malformed{"\"status\" is none of pending, set, failed"};
}

// Checks which fields the record's kind needs (pending, outcome, or a record from before
// statuses existed), then fills `entry` from what is left.
void fill_kind(EscrowEntry& entry, std::map<std::string, std::string>& fields) {
    auto status = take(fields, "status");
    auto id = take(fields, "id");
    auto value = take(fields, "value");
    if (value) {
        entry.value = Secret(std::move(*value));
    }
    if (!fields.empty()) {
        throw Malformed{"the record has a field amtcfg does not know (the fields are time, uuid, "
                        "hostname, secret, id, status and value)"};
    }
    if (!status) {
        if (id || !entry.value) {
            throw Malformed{"a record without \"status\" must have a \"value\" and no \"id\""};
        }
        entry.status = EscrowStatus::set; // written before statuses existed
        return;
    }
    entry.status = status_named(*status);
    if (!id || id->empty()) {
        throw Malformed{"a record with a \"status\" needs an \"id\""};
    }
    entry.id = std::move(*id);
    if (entry.status != EscrowStatus::pending && entry.value) {
        throw Malformed{"a set or failed record must not hold a \"value\""};
    }
}

EscrowEntry parse_line(std::string_view text, std::size_t line) {
    auto fields = parse_escrow_line(text);
    EscrowEntry entry;
    entry.line = line;
    try {
        entry.time = required(fields, "time");
        entry.uuid = required(fields, "uuid");
        entry.hostname = required(fields, "hostname");
        entry.secret = required(fields, "secret");
        fill_kind(entry, fields);
    } catch (...) {
        wipe_fields(fields);
        throw;
    }
    return entry;
}

// Pending ids are unique; an outcome names an earlier pending record of the same device and
// secret.
void check_reference(const EscrowEntry& entry, std::map<std::string, const EscrowEntry*>& pending,
                     std::string_view name) {
    if (entry.id.empty()) {
        return;
    }
    auto found = pending.find(entry.id);
    if (entry.status == EscrowStatus::pending) {
        if (found != pending.end()) {
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("{} line {}: the id {} was already used on line {}", name,
                                    entry.line, entry.id, found->second->line));
        }
        pending.emplace(entry.id, &entry);
        return;
    }
    if (found == pending.end() || found->second->uuid != entry.uuid ||
        found->second->secret != entry.secret) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{} line {}: the {} record refers to id {}, which no earlier "
                                "pending record of this device and secret has",
                                name, entry.line, to_string(entry.status), entry.id));
    }
}

} // namespace

EscrowContents parse_escrow(std::string_view text, std::string_view name) {
    EscrowContents contents;
    std::size_t line = 0;
    while (!text.empty()) {
        ++line;
        auto end = text.find('\n');
        bool last = end == std::string_view::npos;
        std::string_view body = text.substr(0, last ? text.size() : end);
        text.remove_prefix(last ? text.size() : end + 1);
        if (body.find_first_not_of(" \t\r") == std::string_view::npos) {
            continue;
        }
        try {
            contents.entries.push_back(parse_line(body, line));
        } catch (const Malformed& malformed) {
            if (last) {
                contents.torn_tail = true; // a crash cut the append short; its value never left
                break;
            }
            throw Error(ErrorCategory::invalid_input,
                        fmt::format("{} line {}: {}", name, line, malformed.what));
        }
    }
    // Every entry is in place now, so pointers to them stay valid.
    std::map<std::string, const EscrowEntry*> pending;
    for (const auto& entry : contents.entries) {
        check_reference(entry, pending, name);
    }
    return contents;
}

std::vector<EscrowedValue> EscrowContents::values_of(std::string_view uuid,
                                                     std::string_view secret) const& {
    std::vector<EscrowedValue> values;
    std::map<std::string_view, std::size_t> by_id;
    for (const auto& entry : entries) {
        if (entry.uuid != uuid || entry.secret != secret) {
            continue;
        }
        if (entry.id.empty() || entry.status == EscrowStatus::pending) {
            if (!entry.id.empty()) {
                by_id[entry.id] = values.size();
            }
            values.push_back({&entry, entry.status, nullptr});
            continue;
        }
        if (auto found = by_id.find(entry.id); found != by_id.end()) {
            values[found->second].status = entry.status;
            values[found->second].outcome = &entry;
        }
    }
    return values;
}

namespace {

// The line that made a value what it is: its outcome's, else its own.
std::size_t status_line(const EscrowedValue& value) {
    return value.outcome ? value.outcome->line : value.record->line;
}

} // namespace

std::optional<EscrowedValue> EscrowContents::current(std::string_view uuid,
                                                     std::string_view secret) const& {
    std::optional<EscrowedValue> newest;
    for (const auto& value : values_of(uuid, secret)) {
        if (value.status == EscrowStatus::set &&
            (!newest || status_line(value) > status_line(*newest))) {
            newest = value;
        }
    }
    return newest;
}

std::vector<EscrowedValue> EscrowContents::unresolved(std::string_view uuid,
                                                      std::string_view secret) const& {
    auto now = current(uuid, secret);
    std::size_t after = now ? status_line(*now) : 0;
    std::vector<EscrowedValue> values;
    for (const auto& value : values_of(uuid, secret)) {
        if (value.status == EscrowStatus::pending && value.record->line > after) {
            values.push_back(value);
        }
    }
    std::reverse(values.begin(), values.end());
    return values;
}

namespace {

// Reads the whole file under a shared lock (writers take an exclusive one).
std::string read_locked(int fd, const std::string& path) {
    if (::flock(fd, LOCK_SH) != 0) {
        fail_errno(path, "lock");
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        fail_errno(path, "inspect");
    }
    auto size = static_cast<std::size_t>(info.st_size);
    if (size > k_max_file_size) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("the escrow file {} is larger than {} MiB: it is not an escrow "
                                "file amtcfg wrote",
                                path, k_max_file_size >> 20U));
    }
    std::string text(size, '\0');
    std::size_t done = 0;
    while (done < size) {
        ssize_t got = ::read(fd, text.data() + done, size - done);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            wipe_string(text);
            fail_errno(path, "read");
        }
        if (got == 0) {
            break;
        }
        done += static_cast<std::size_t>(got);
    }
    text.resize(done);
    return text;
}

} // namespace

EscrowContents load_escrow(const std::string& path) {
    // O_NONBLOCK: a FIFO in its place must not hang amtcfg; check_safe refuses it.
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        throw Error(ErrorCategory::usage, fmt::format("the escrow file {} does not exist", path));
    }
    if (fd < 0) {
        fail_errno(path, "read");
    }
    std::string text;
    try {
        check_safe(fd, path);
        text = read_locked(fd, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    try {
        auto contents = parse_escrow(text, "the escrow file " + path);
        wipe_string(text);
        return contents;
    } catch (...) {
        wipe_string(text);
        throw;
    }
}

} // namespace amtcfg::profile
