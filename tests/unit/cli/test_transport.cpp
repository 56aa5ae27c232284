// Tests of turning the global transport options into the flows' TransportOptions.
#include "session.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;

TEST_CASE("global transport options become TransportOptions", "[unit]") {
    cli::GlobalOptions options;
    options.transport = "lme";
    options.lms_port = 16993;
    flows::TransportOptions out = cli::transport_options(options);
    CHECK(out.mode == flows::TransportMode::lme);
    CHECK(out.lms_address.text == "127.0.0.1");
    CHECK(out.lms_port == 16993);
    options.lms_port = 70000;
    CHECK_THROWS_WITH(cli::transport_options(options), Catch::Contains("--lms-port 70000"));
}

TEST_CASE("--lms-address must be loopback: anything else is a usage error", "[unit]") {
    cli::GlobalOptions options;
    options.lms_address = "[::1]";
    CHECK(cli::transport_options(options).lms_address.url_host() == "[::1]");
    options.lms_address = "10.0.0.1";
    try {
        cli::transport_options(options);
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::usage);
        CHECK_THAT(error.what(), Catch::Contains("not a loopback address"));
    }
}
