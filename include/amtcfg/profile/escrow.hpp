// Escrow: the --escrow file that keeps every generated password, written to disk before the
// password is set in AMT, so a crash can never leave a device whose password nobody knows.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::profile {

// Which device and which of its secrets a record belongs to.
struct EscrowRecord {
    std::string uuid;     // AMT's UUID
    std::string hostname; // the host's name, for people searching the file
    std::string secret;   // "admin-password", "mebx-password", "user:<name>"
};

// What became of an escrowed value. A value is written `pending` before it is sent to AMT; a
// later record with the same id says `set` (amtcfg proved AMT holds it) or `failed` (proved AMT
// does not). A run that dies in between leaves it pending.
enum class EscrowStatus { pending, set, failed };
std::string_view to_string(EscrowStatus status);

// The file format (man amtcfg(1), FILES), one JSON object per line, append-only:
//   {"time","uuid","hostname","secret","id","status":"pending","value"}  the value, before it is
//       set ("value" is left out when the secret came from the profile, not from escrow)
//   {"time","uuid","hostname","secret","id","status":"set"|"failed"}    the outcome, no value
//   {"time","uuid","hostname","secret","value"}   written before statuses existed: read as set
// Appends are locked (flock) and fsync'ed with the directory. The file is created 0600; an
// existing file that is not a regular file owned by this user, or that its group or other users
// may read or write, is refused with the fix. Nothing is opened in the constructor.
class Escrow {
public:
    // `timestamp` gives the "time" field; tests inject a fixed clock.
    explicit Escrow(std::string path, std::function<std::string()> timestamp);

    // Creates the file if missing and checks that it is safe to use. Call it before touching the
    // device, so a bad --escrow path fails before anything changes. Throws Error(usage).
    void check() const;

    // Appends a pending record holding `value` and returns its id; returns only after the line
    // and the file's directory entry are on disk. Only then may the caller set `value` in AMT.
    std::string record(const EscrowRecord& record, const Secret& value) const;
    // Appends a pending record without a value (the secret has a source of its own), so that
    // the outcome of setting it can be recorded; returns its id.
    std::string record_attempt(const EscrowRecord& record) const;
    // Appends the outcome (set or failed) of the pending record `id`.
    void record_outcome(const EscrowRecord& record, std::string_view id, EscrowStatus status) const;

    const std::string& path() const { return m_path; }

private:
    std::string append(const EscrowRecord& record, std::string_view id, EscrowStatus status,
                       const Secret* value) const;

    std::string m_path;
    std::function<std::string()> m_timestamp;
};

// One line of an escrow file, as read.
struct EscrowEntry {
    std::size_t line = 0; // 1-based line number in the file
    std::string time;
    std::string uuid;
    std::string hostname;
    std::string secret;
    std::string id;                          // empty in records written before statuses existed
    EscrowStatus status = EscrowStatus::set; // a record without "status" is an old one: set
    std::optional<Secret> value;             // absent in outcome records
};

// One escrowed value (a pending or old record) and what became of it.
struct EscrowedValue {
    const EscrowEntry* record = nullptr; // the record that holds the value (or names the attempt)
    EscrowStatus status = EscrowStatus::pending;
    const EscrowEntry* outcome = nullptr; // the newest set/failed record for it; null if none
    // The time it became what it is: the outcome's time, else the record's own.
    const std::string& status_time() const { return outcome ? outcome->time : record->time; }
};

// An escrow file's records, in file order.
struct EscrowContents {
    std::vector<EscrowEntry> entries;
    bool torn_tail = false; // the last line was cut short (a crash while writing) and ignored

    // The answers below point into `entries`, so they are refused on a temporary: a caller
    // must keep the contents alive as long as it uses them.

    // Every value escrowed for this device's `secret`, oldest first, with its outcome.
    std::vector<EscrowedValue> values_of(std::string_view uuid, std::string_view secret) const&;
    std::vector<EscrowedValue> values_of(std::string_view, std::string_view) const&& = delete;
    // The device's current `secret`: the value whose `set` record is the newest in the file.
    std::optional<EscrowedValue> current(std::string_view uuid, std::string_view secret) const&;
    std::optional<EscrowedValue> current(std::string_view, std::string_view) const&& = delete;
    // Values still pending that were escrowed after the current one (runs that died before they
    // could prove the outcome), newest first.
    std::vector<EscrowedValue> unresolved(std::string_view uuid, std::string_view secret) const&;
    std::vector<EscrowedValue> unresolved(std::string_view, std::string_view) const&& = delete;
};

// Parses an escrow file's text. Tolerates a torn last line (no newline and not a whole record);
// everything else must be well-formed: Error(invalid_input) names the line and what is wrong, and
// never quotes the line (it may hold a password). `name` names the file in errors.
EscrowContents parse_escrow(std::string_view text, std::string_view name = "the escrow file");

// Reads and parses the escrow file at `path` after the same safety checks as the writer (regular
// file, owned by this user, mode without group/other bits): Error(usage) when it is missing,
// unreadable or unsafe, Error(invalid_input) when it is malformed.
EscrowContents load_escrow(const std::string& path);

// Appends `text` to `out` as a JSON string literal with quotes, escaping what JSON requires.
void append_json_string(std::string& out, std::string_view text);
std::string json_quote(std::string_view text);

} // namespace amtcfg::profile
