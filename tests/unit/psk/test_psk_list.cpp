// PID/PPS list files: CSV and JSON written and read back, and precise errors.
#include "amtcfg/psk/psk_list.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::psk;

namespace {

std::string error_of(std::string_view text) {
    try {
        parse_psk_list(text);
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::invalid_input);
        return e.what();
    }
    FAIL("the list was accepted");
    return {};
}

} // namespace

TEST_CASE("a PID/PPS list round-trips through CSV and JSON", "[unit]") {
    auto pairs = generate_pairs(3, system_random());
    for (auto format : {PskListFormat::csv, PskListFormat::json}) {
        Secret text = render_psk_list(pairs, format);
        auto back = parse_psk_list(text.reveal());
        REQUIRE(back.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) {
            CHECK(back[i].pid == pairs[i].pid);
            CHECK(back[i].pps.reveal() == pairs[i].pps.reveal());
        }
    }
    Secret csv = render_psk_list(pairs, PskListFormat::csv);
    CHECK(csv.reveal().rfind("pid,pps\n" + display_pid(pairs[0].pid) + ",", 0) == 0);
}

TEST_CASE("a bad PID/PPS list is refused with the line and the reason", "[unit]") {
    CHECK(error_of("pid,pps\n1234-5675,AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI\n") ==
          "PID/PPS list line 2: the PID checksum character is 5 but the first 7 characters "
          "give 4");
    CHECK(error_of("1234-5674\n") == "PID/PPS list line 1: expected \"PID,PPS\"");
    CHECK(error_of("pid,pps\n") == "the PID/PPS list holds no pairs");
    CHECK(error_of("{\"pairs\": [{\"pid\": 1}]}").find("entry 1") != std::string::npos);
    CHECK(error_of("{\"pairs\": 3}").find("not JSON of the form") != std::string::npos);
    std::string line = "1234-5674,AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI\n";
    CHECK(error_of(line + line) == "the PID/PPS list has PID 1234-5674 twice; each device needs "
                                   "its own pair");
}
