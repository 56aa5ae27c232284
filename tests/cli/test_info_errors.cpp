// `amtcfg info` without a simulator: the MEI errors a user sees and their exit codes.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg::test;

TEST_CASE("info on a missing device node is exit 10 naming the node and the fix", "[cli]") {
    TempDir dir;
    auto r = run({amtcfg_binary(), "--device", dir.file("mei0"), "info"});
    CHECK(r.status == 10);
    CHECK(r.err.find("no MEI device found: " + dir.file("mei0") + " does not exist") !=
          std::string::npos);
    CHECK(r.err.find("mei_me kernel module") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("info --json on a node without an AMTHI client is one error object, exit 13", "[cli]") {
    TempDir dir;
    std::ofstream(dir.file("mei0")) << "";
    auto r = run({amtcfg_binary(), "--json", "--device", dir.file("mei0"), "info"});
    CHECK(r.status == 13);
    auto j = r.json();
    CHECK(j["error"]["exit_code"] == 13);
    CHECK(j["error"]["message"].get<std::string>().find("no AMTHI client") != std::string::npos);
}
