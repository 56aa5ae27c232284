// The schemas of docs/schema/ are valid, and the check run() makes against them is not vacuous:
// real results pass, the same results made wrong fail, with the command, schema and path.
#include "json_contract.hpp"
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;
using Catch::Matchers::Contains;

namespace {

// The problem with `document` as `command`'s result, which must be one (the test fails if not).
std::string refused(const std::string& command, int status, const nlohmann::json& document) {
    std::string problem = json_contract_problem(command, status, document);
    INFO("document: " << document.dump());
    CHECK_THAT(problem, Contains("amtcfg --json " + command) && Contains("docs/schema/"));
    return problem;
}

} // namespace

TEST_CASE("the schemas are draft 2020-12, with an $id, a title and every key described", "[cli]") {
    CHECK(schema_files_problem().empty());
}

TEST_CASE("run() finds the amtcfg command whose --json result it checks", "[cli]") {
    CHECK(json_command({"/b/amtcfg", "--json", "version"}) == "version");
    CHECK(json_command({"/b/amtcfg", "info", "--json"}) == "info");
    CHECK(json_command({with_sim(), "--state", "s", "--", "/b/amtcfg", "--log-file", "info",
                        "--transport", "lme", "--json", "create-psk", "--inspect", "f"}) ==
          "create-psk");
    CHECK(json_command({"/b/amtcfg", "info"}).empty());
    CHECK(json_command({"/b/amtcfg", "--json", "frobnicate"}).empty());
    CHECK(json_command({"bash", "--json", "info"}).empty());
    CHECK(json_command({"/b/amtcfg", "--json", "maintain", "--server", "ws://x/"}) == "remote");
}

TEST_CASE("a command line CLI11 refuses is still one error object with --json", "[cli]") {
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {amtcfg_binary(), "--json", "info", "--bogus"},
             {amtcfg_binary(), "--json", "--transport", "nope", "version"},
             {amtcfg_binary(), "--json", "frobnicate"}}) {
        auto refused = run(argv); // run() checks the object against error.schema.json too
        CHECK(refused.status == 2);
        auto error = refused.json()["error"];
        CHECK(error["category"] == "usage");
        CHECK_FALSE(error["message"].get<std::string>().empty());
    }
}

TEST_CASE("a version result without its version or with another name is refused", "[cli]") {
    auto j = run({amtcfg_binary(), "--json", "version"}).json();
    REQUIRE(json_contract_problem("version", 0, j).empty());

    auto missing = j;
    missing.erase("version");
    CHECK_THAT(refused("version", 0, missing),
               Contains("version.schema.json") && Contains("'version' is a required property"));
    auto renamed = j;
    renamed["name"] = "amtcfg2";
    CHECK_THAT(refused("version", 0, renamed), Contains("at /name"));
    // A result is printed with exit 0: a failure prints the error object.
    CHECK_THAT(refused("version", 1, j), Contains("error.schema.json"));
}

TEST_CASE("an info result with a key missing, a value outside its enum or an unknown key is "
          "refused",
          "[cli]") {
    SimDevice device;
    auto j = device.info();
    REQUIRE(json_contract_problem("info", 0, j).empty());

    auto missing = j;
    missing.erase("uuid");
    CHECK_THAT(refused("info", 0, missing),
               Contains("info.schema.json") && Contains("'uuid' is a required property"));
    auto mode = j;
    mode["control_mode"] = "activated";
    CHECK_THAT(refused("info", 0, mode),
               Contains("at /control_mode") && Contains("'activated' is not one of"));
    auto extra = j;
    extra["transport"]["tunnel"] = true;
    CHECK_THAT(refused("info", 0, extra), Contains("at /transport") && Contains("'tunnel'"));
    REQUIRE_FALSE(j["cert_hashes"].empty());
    auto algorithm = j;
    algorithm["cert_hashes"][0]["algorithm"] = "sha3";
    CHECK_THAT(refused("info", 0, algorithm), Contains("at /cert_hashes/0/algorithm"));
}

TEST_CASE("an error object whose code and category disagree, or that is not the exit status, is "
          "refused",
          "[cli]") {
    TempDir dir;
    auto r = run({amtcfg_binary(), "--json", "--device", dir.file("mei0"), "info"});
    auto j = r.json();
    REQUIRE(r.status != 0);
    REQUIRE(json_contract_problem("info", r.status, j).empty());

    auto category = j;
    category["error"]["category"] = "no_such_category";
    CHECK_THAT(refused("info", r.status, category), Contains("error.schema.json"));
    auto paired = j;
    paired["error"]["category"] = paired["error"]["category"] == "usage" ? "internal" : "usage";
    CHECK_THAT(refused("info", r.status, paired), Contains("at /error: ") && Contains("oneOf"));
    CHECK_THAT(refused("info", r.status + 1, j), Contains("exited with"));
    auto message = j;
    message["error"].erase("message");
    CHECK_THAT(refused("info", r.status, message), Contains("'message' is a required property"));
}

TEST_CASE("a configure result that claims an applied run left AMT unactivated is refused",
          "[cli]") {
    SimDevice device;
    auto profile = device.write("ccm.xml", ccm_profile("env:AMT_PW"));
    auto r = device.amtcfg({"--json", "configure", "--profile", profile, "--dry-run"}, {},
                           {{"AMT_PW", "P@ssw0rd-Sim1"}});
    REQUIRE(r.status == 0);
    auto j = r.json();
    REQUIRE(j["control_mode"] == "pre-provisioning");
    REQUIRE(json_contract_problem("configure", 0, j).empty());

    auto applied = j;
    applied["dry_run"] = false;
    CHECK_THAT(refused("configure", 0, applied), Contains("at /control_mode"));
    auto step = j;
    step["changed"].push_back("Not A Step");
    CHECK_THAT(refused("configure", 0, step), Contains("at /changed/"));
}

TEST_CASE("a maintain result and its exit status must agree on failed checks", "[cli]") {
    nlohmann::json j = {{"checks", nlohmann::json::array()},
                        {"failed", nlohmann::json::array()},
                        {"wsman_calls", 0}};
    REQUIRE(json_contract_problem("maintain", 0, j).empty());
    CHECK_THAT(refused("maintain", 34, j), Contains("failed is []"));
    j["failed"].push_back("clock");
    CHECK_THAT(refused("maintain", 0, j), Contains("exited with 0"));
    j["failed"][0] = "coffee";
    CHECK_THAT(refused("maintain", 34, j), Contains("at /failed/0"));
}
