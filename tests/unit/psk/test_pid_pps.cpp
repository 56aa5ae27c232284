// PID/PPS checksum rule, generation and parsing.
#include "amtcfg/psk/pid_pps.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace amtcfg;
using namespace amtcfg::psk;

namespace {

// A deterministic "random" source: bytes from a fixed sequence, cycling.
RandomBytes sequence(std::vector<std::uint8_t> values) {
    auto state =
        std::make_shared<std::pair<std::vector<std::uint8_t>, std::size_t>>(std::move(values), 0);
    return [state](std::span<std::uint8_t> out) {
        for (auto& b : out) {
            b = state->first[state->second++ % state->first.size()];
        }
    };
}

} // namespace

TEST_CASE("the checksum is the ASCII sum modulo 36 as 0-9 then A-Z", "[unit]") {
    CHECK(checksum_char("1234567") == '4'); // 364 % 36 = 4
    CHECK(checksum_char("AAA") == 'F');     // 195 % 36 = 15
    CHECK(checksum_char("ZZZ") == 'I');     // 270 % 36 = 18
    CHECK(checksum_char("000") == '0');     // 144 % 36 = 0
    CHECK(checksum_char("9Z0") == 'F');     // 57 + 90 + 48 = 195 % 36 = 15
}

TEST_CASE("hand-made PIDs and PPS values are accepted or rejected by their checksums", "[unit]") {
    CHECK_FALSE(pid_problem("1234-5674"));
    CHECK_FALSE(pid_problem("12345674"));
    CHECK(pid_problem("1234-5675").value() ==
          "the PID checksum character is 5 but the first 7 characters give 4");
    CHECK(pid_problem("1234-567").value().find("has 7 characters") != std::string::npos);
    CHECK(pid_problem("1234-567a").value().find("character 8 is not one of A-Z") !=
          std::string::npos);
    CHECK(pid_problem("12-345674").value().find("dash out of place") != std::string::npos);

    std::string good = "AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI";
    CHECK_FALSE(pps_problem(good));
    std::string bad = good;
    bad[8] = 'Y'; // the checksum character of group 2
    CHECK(pps_problem(bad).value() == "the checksum character of PPS group 2 is wrong");
    auto problem = pps_problem("AAAF-ZZZI");
    REQUIRE(problem);
    CHECK(problem->find("has 8 characters; it must have 32") != std::string::npos);
}

TEST_CASE("generated pairs have the reference's form and valid checksums", "[unit]") {
    auto pairs = generate_pairs(200, system_random());
    std::set<std::string> pids;
    for (const auto& pair : pairs) {
        CHECK(pair.pid.size() == k_pid_length);
        CHECK(pair.pps.size() == k_pps_length);
        CHECK_FALSE(pid_problem(pair.pid));
        CHECK_FALSE(pps_problem(pair.pps.reveal()));
        CHECK(display_pid(pair.pid).size() == 9);
        CHECK(display_pps(pair.pps.reveal()).size() == 39);
        pids.insert(pair.pid);
    }
    CHECK(pids.size() == 200);
}

TEST_CASE("bytes at or above 252 are dropped so the alphabet is unbiased", "[unit]") {
    // 252..255 would map to 0..3 a second time; they must be skipped.
    auto pair = generate_pair(sequence({252, 253, 254, 255, 10}));
    CHECK(pair.pid == "AAAAAAA" + std::string(1, checksum_char("AAAAAAA")));
}

TEST_CASE("parse accepts display and bare forms and explains a bad one", "[unit]") {
    CHECK(parse_pid("1234-5674") == "12345674");
    CHECK(parse_pps("AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI").reveal() ==
          "AAAFZZZI0000AAAFZZZI0000AAAFZZZI");
    try {
        parse_pid("1234-5675");
        FAIL("a bad checksum was accepted");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::invalid_input);
        CHECK(std::string(e.what()).find("checksum") != std::string::npos);
    }
}
