// Whole-file reads with a size limit, and atomic 0600 writes for files that hold secrets.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace amtcfg {

// Whether write_private_file may replace a file that exists already (create-psk --force).
enum class Overwrite { refuse, replace };

// Writes `data` to a temporary file next to `path` (mode 0600), flushes it to disk, renames it
// to `path` and flushes the directory, so a reader never sees half a file, nobody else can read
// the secrets in it, and the new name survives a crash. With Overwrite::refuse an existing
// `path` (even one that appears while writing) is left alone and Error(usage) names --force.
// Throws Error(usage) naming `what` and the path when the directory is not writable.
void write_private_file(const std::string& path, ByteView data, std::string_view what,
                        Overwrite overwrite);

// Throws the same Error(usage) as write_private_file when `path` exists and `overwrite` is
// refuse; lets a command refuse before it writes anything else.
void check_overwrite(const std::string& path, std::string_view what, Overwrite overwrite);

// Reads a whole file of at most `max_size` bytes. Throws Error(invalid_input) naming `what`
// when it cannot be read or is larger.
Bytes read_whole_file(const std::string& path, std::size_t max_size, std::string_view what);

} // namespace amtcfg
