// Reads a secret from its source: an environment variable, a file, standard input or a prompt.
#pragma once

#include "amtcfg/util/secret.hpp"

#include <string_view>

namespace amtcfg {

// Resolves env:, file:, stdin, prompt and literal sources. `what` names the secret in errors
// ("admin password"). Throws Error(usage) for an unset variable, an unreadable file, an empty
// value, "prompt" without a terminal, or "random" (which the caller generates itself).
Secret read_secret(const SecretSource& source, std::string_view what);

} // namespace amtcfg
