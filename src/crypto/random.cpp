// random_bytes over OpenSSL's RAND_bytes, which is seeded from the kernel (getrandom).
#include "amtcfg/crypto/random.hpp"

#include "amtcfg/util/error.hpp"

#include <openssl/rand.h>

#include <limits>

namespace amtcfg::crypto {

Bytes random_bytes(std::size_t count) {
    Bytes out(count);
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1)) {
        throw Error(ErrorCategory::internal,
                    "the system random generator failed (is /dev/urandom or getrandom() "
                    "available?)");
    }
    return out;
}

} // namespace amtcfg::crypto
