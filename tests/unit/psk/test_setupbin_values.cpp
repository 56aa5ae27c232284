// setup.bin option values from command-line text: GUIDs (fuzz findings kept as regressions).
#include "amtcfg/psk/setupbin_values.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::psk;

TEST_CASE("parse_guid: a GUID round-trips through format_guid", "[unit]") {
    auto guid = parse_guid("46732273-DC23-2F43-A98A-13D37982D855");
    REQUIRE(guid);
    CHECK(guid->size() == 16);
    CHECK(format_guid(*guid) == "46732273-DC23-2F43-A98A-13D37982D855");
    CHECK(parse_guid("46732273-dc23-2f43-a98a-13d37982d855") == guid);
}

TEST_CASE("parse_guid: 36 characters with extra dashes are refused (fuzz crash 79e60e80)",
          "[unit]") {
    // The four dashes are where they belong, but two more leave 30 hex digits: the reader
    // indexed a 15-byte buffer at 15 (heap overflow under ASan).
    CHECK_FALSE(parse_guid("48A-13D3-DC23-8A-1-A98A-13D37982D855"));
    CHECK_FALSE(parse_guid("46732273-DC23-2F43-A98A-13D37982D8-5"));
    CHECK_FALSE(parse_guid("46732273-DC23-2F43-A98A-13D37982D85G"));
    CHECK_FALSE(parse_guid("46732273DC232F43A98A13D37982D855"));
    const VariableSpec* power = find_variable({1, 6});
    REQUIRE(power);
    CHECK_THROWS_AS(
        make_setting(*power, "48A-13D3-DC23-8A-1-A98A-13D37982D855", SetupBinVersion::v4_0), Error);
}
