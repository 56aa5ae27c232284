// The mapping from a power package's descriptive string to the profile's power policy.
#include "profile_steps.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using flows::power_package_name;
using flows::power_policy_of;
using profile::PowerPolicy;

namespace {

std::optional<PowerPolicy> policy(const std::string& description,
                                  const std::string& element_name = "") {
    return power_policy_of(wsman::PowerScheme{"id", "", element_name, description});
}

} // namespace

TEST_CASE("the packages of Intel's Power Packages map to s0-only and always-on", "[unit]") {
    CHECK(policy("Desktop: ON in S0") == PowerPolicy::s0_only);
    CHECK(policy("Desktop: ON in S0, ME Wake in S3, S4-5") == PowerPolicy::always_on);
    CHECK(policy("Mobile: ON in S0") == PowerPolicy::s0_only);
    CHECK(policy("Mobile: ON in S0, S3/AC, S4-5/AC") == PowerPolicy::always_on);
    // The description may be missing: the ElementName carries the same string.
    CHECK(policy("", "Desktop: ON in S0, ME Wake in S3, S4-5") == PowerPolicy::always_on);
    CHECK(policy("desktop: on in s0") == PowerPolicy::s0_only);
}

TEST_CASE("a package that is neither, or names no state, maps to nothing", "[unit]") {
    CHECK_FALSE(policy("Desktop: ON in S0, ME Wake in S3").has_value()); // sleep, not off
    CHECK_FALSE(policy("Balanced").has_value());
    CHECK_FALSE(policy("").has_value());
    // S0 inside a longer word is not the power state.
    CHECK_FALSE(policy("XS0 package").has_value());
    CHECK(policy("ON in S0, WS5 profile") == PowerPolicy::s0_only);
}

TEST_CASE("a package is named by its description, else its ElementName", "[unit]") {
    CHECK(power_package_name({"id", "", "Element", "Description"}) == "Description");
    CHECK(power_package_name({"id", "", "Element", ""}) == "Element");
}
