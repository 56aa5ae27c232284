// setup.bin entry values: built from command-line text, checked, and shown to a person.
#pragma once

#include "amtcfg/psk/setupbin.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::psk {

// An entry holding `text` as its bytes (passwords, PID, PPS, names).
Entry make_text_entry(VarId var, std::string_view text);

// The entry for one option of variable_table (spec.option): a choice name or number, text,
// or a GUID, as the spec's kind says. Throws Error(usage) naming the option when the value is
// not valid or when `version` does not carry the variable (and says which version does).
Entry make_setting(const VariableSpec& spec, std::string_view text, SetupBinVersion version);

// 2.8 "user-defined certificate add": algorithm by hash length (20 SHA-1, 32 SHA-256, 48
// SHA-384; the last two need version 3), the hash and a 1-32 character name.
Entry make_cert_hash(std::string_view hex, std::string_view name, SetupBinVersion version);

// 2.17 and 2.18 from "A.B.C.D[:PORT]". The address is stored as four bytes, least significant
// octet first (as MeshCentral's bare-metal setup.bin does), the port as a u16.
std::vector<Entry> make_provisioning_server(std::string_view text, SetupBinVersion version);

// Throws Error(usage) "OPTION needs setup.bin version X or later; ..." when it is not carried.
void require_version(const VariableSpec& spec, SetupBinVersion version, std::string_view what);

enum class SecretDisplay { hide, show };

// The value as a person reads it: "on (1)", "1234-5674", "192.168.0.5", "(hidden, 8 bytes)".
std::string show_value(const Entry& entry, SecretDisplay display);

// What is wrong with a value of this variable (size for its kind, choice, length), or nothing.
std::optional<std::string> value_problem(const VariableSpec& spec, ByteView value);

std::string format_guid(ByteView bytes_le);
std::optional<Bytes> parse_guid(std::string_view text);

} // namespace amtcfg::psk
