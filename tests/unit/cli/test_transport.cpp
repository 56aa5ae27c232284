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
    CHECK(out.lms_address == "127.0.0.1");
    CHECK(out.lms_port == 16993);
    options.lms_port = 70000;
    CHECK_THROWS_WITH(cli::transport_options(options), Catch::Contains("--lms-port 70000"));
}
