// random_bytes returns the number of bytes asked for, and they differ between calls.
#include "amtcfg/crypto/random.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;

TEST_CASE("random_bytes gives fresh bytes of the requested length", "[unit]") {
    CHECK(crypto::random_bytes(0).empty());
    Bytes a = crypto::random_bytes(20);
    Bytes b = crypto::random_bytes(20);
    CHECK(a.size() == 20);
    CHECK(a != b); // a 2^-160 chance of a false failure
}
