// Random bytes from the operating system's CSPRNG (through OpenSSL), for nonces and passwords.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <cstddef>

namespace amtcfg::crypto {

// `count` bytes from OpenSSL's DRBG; throws Error(internal) if it cannot be seeded.
Bytes random_bytes(std::size_t count);

} // namespace amtcfg::crypto
