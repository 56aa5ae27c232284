// Secret: a password, PSK or key that is zeroed on destruction and cannot be printed.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <string>
#include <string_view>

namespace amtcfg {

// Overwrites every character a string that held a secret can hold (its whole capacity, so also
// what a shorter value or a move left behind), then clears it.
void wipe_string(std::string& text) noexcept;

// Holds secret text. It has no stream operator and no implicit conversion: code that needs the
// value calls reveal() at the one place it goes on the wire. Copies are explicit (clone()).
class Secret {
public:
    Secret() = default;
    // Moving a short string copies its characters: the parameter is wiped after the move.
    explicit Secret(std::string value) : m_value(std::move(value)) { wipe_string(value); }
    ~Secret() { wipe(); }

    Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { other.wipe(); }
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    Secret clone() const { return Secret(m_value); }
    const std::string& reveal() const { return m_value; }
    bool empty() const { return m_value.empty(); }
    std::size_t size() const { return m_value.size(); }

private:
    void wipe() noexcept;

    std::string m_value;
};

// Appends `data` to `buffer`; when the buffer has to grow, the old storage is wiped before it is
// freed, so a buffer that collects a secret piece by piece (a reply) leaves no copies behind.
void append_wiping_old(std::string& buffer, std::string_view data);
void append_wiping_old(Bytes& buffer, ByteView data);

// Overwrites every byte a buffer that held secret bytes can hold (its capacity), then clears it.
void wipe_bytes(Bytes& bytes) noexcept;

// Drops the first `count` bytes; the bytes that moved down leave no copy in the tail.
void erase_front_wiping(Bytes& bytes, std::size_t count);

// Where a secret comes from (DESIGN.md section 1): env:NAME, file:PATH, stdin, prompt,
// escrow:FILE (this device's current admin password, resolved by the flows, which know the
// device's UUID), or a literal value (accepted with a warning, because other users can read argv).
enum class SecretSourceKind { env, file, standard_input, prompt, random, literal, escrow };

struct SecretSource {
    SecretSourceKind kind = SecretSourceKind::literal;
    std::string location; // variable name or file path (also of escrow:); empty for the others
    Secret literal;       // only for SecretSourceKind::literal
};

// Parses "env:NAME", "file:PATH", "escrow:FILE", "stdin", "prompt", "random" or a literal value.
SecretSource parse_secret_source(std::string_view text);

// A description safe to print ("env:AMT_PASSWORD", "a literal value"), never the value.
std::string describe(const SecretSource& source);

} // namespace amtcfg
