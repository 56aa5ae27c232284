// Escrow: the --escrow file that keeps every generated password, written to disk before the
// password is set in AMT, so a crash can never leave a device whose password nobody knows.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <functional>
#include <string>

namespace amtcfg::profile {

// Which device and which of its secrets a value belongs to.
struct EscrowRecord {
    std::string uuid;     // AMT's UUID
    std::string hostname; // the host's name, for people searching the file
    std::string secret;   // "admin-password", "mebx-password", "user:<name>"
};

// Appends one JSON object per line: {"time","uuid","hostname","secret","value"}. The file is
// created 0600; an existing file that is not a regular file owned by this user, or that its group
// or other users may read or write, is refused with the fix. Nothing is opened until check() or
// record() (no I/O in the constructor).
class Escrow {
public:
    // `timestamp` gives the "time" field; tests inject a fixed clock.
    explicit Escrow(std::string path, std::function<std::string()> timestamp);

    // Creates the file if missing and checks that it is safe to use. Call it before touching the
    // device, so a bad --escrow path fails before anything changes. Throws Error(usage).
    void check() const;

    // Appends the record and returns only after the line and the file's directory entry are on
    // disk (fsync of both). Only after it returns may the caller set `value` in AMT.
    void record(const EscrowRecord& record, const Secret& value) const;

    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    std::function<std::string()> m_timestamp;
};

// Appends `text` to `out` as a JSON string literal with quotes, escaping what JSON requires.
void append_json_string(std::string& out, std::string_view text);
std::string json_quote(std::string_view text);

} // namespace amtcfg::profile
