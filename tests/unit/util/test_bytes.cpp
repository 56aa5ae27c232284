// Tests of the bounds-checked readers/writers and hex helpers.
#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;

TEST_CASE("ByteWriter and ByteReader round-trip both byte orders", "[unit]") {
    ByteWriter w;
    w.u8(0xab).u16le(0x1234).u32le(0xdeadbeef).u16be(0x1234).u32be(0xdeadbeef).string("hi");
    CHECK(to_hex(w.data()) == "ab3412efbeadde1234deadbeef6869");
    ByteReader r(w.data());
    CHECK(r.u8("a") == 0xab);
    CHECK(r.u16le("b") == 0x1234);
    CHECK(r.u32le("c") == 0xdeadbeef);
    CHECK(r.u16be("d") == 0x1234);
    CHECK(r.u32be("e") == 0xdeadbeef);
    CHECK(r.string(2, "f") == "hi");
    CHECK(r.at_end());
}

TEST_CASE("ByteReader refuses to read past the end and names the field", "[unit]") {
    Bytes three{1, 2, 3};
    ByteReader r(three);
    REQUIRE_THROWS_WITH(r.u32le("status"), Catch::Contains("status") && Catch::Contains("3 left"));
    // A failed read consumes nothing.
    CHECK(r.remaining() == 3);
    CHECK_THROWS_AS(r.bytes(4, "payload"), DecodeError);
    CHECK(r.u16be("x") == 0x0102);
    CHECK_THROWS_AS(r.u16le("y"), DecodeError);
}

TEST_CASE("from_hex parses both cases and rejects bad input", "[unit]") {
    CHECK(from_hex("00fFaB") == Bytes{0x00, 0xff, 0xab});
    CHECK(from_hex("").empty());
    CHECK_THROWS_AS(from_hex("abc"), DecodeError);
    CHECK_THROWS_AS(from_hex("zz"), DecodeError);
}
