// Reads a secret from its source: an environment variable, a file, standard input or a prompt.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <cstddef>
#include <string_view>

namespace amtcfg {

// A file: source larger than this is refused: AMT passwords are at most 32 characters, and a
// PFX password or server credential is not kilobytes long either.
constexpr std::size_t k_max_secret_file_size = 4096;

// Resolves env:, file:, stdin, prompt and literal sources. `what` names the secret in errors
// ("admin password"). Throws Error(usage) for an unset variable, an unreadable file or one over
// k_max_secret_file_size, an empty value, "prompt" without a terminal, or "random" (which the
// caller generates itself). An env: variable is removed from the environment once read (the
// value stays available to later reads of the same variable in this process).
Secret read_secret(const SecretSource& source, std::string_view what);

} // namespace amtcfg
