// Whole-file reads with a size limit, and atomic 0600 writes for files that hold secrets.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace amtcfg {

// Writes `data` to a temporary file next to `path` (mode 0600), flushes it to disk and renames
// it over `path`, so a reader never sees half a file and nobody else can read the secrets in
// it. Throws Error(usage) naming `what` and the path when the directory is not writable.
void write_private_file(const std::string& path, ByteView data, std::string_view what);

// Reads a whole file of at most `max_size` bytes. Throws Error(invalid_input) naming `what`
// when it cannot be read or is larger.
Bytes read_whole_file(const std::string& path, std::size_t max_size, std::string_view what);

} // namespace amtcfg
