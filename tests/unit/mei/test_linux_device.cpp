// LinuxDevice discovery and the EBUSY backoff, without an ME: plain files stand in for nodes.
#include "amtcfg/mei/linux_device.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace amtcfg;
using namespace amtcfg::mei;

namespace {

struct TempDir {
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "amtcfg-mei-XXXXXX");
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string path;
};

ErrorCategory connect_failure(LinuxDevice& device) {
    try {
        device.connect(k_amthi);
    } catch (const Error& e) {
        return e.category();
    }
    return ErrorCategory::internal;
}

} // namespace

TEST_CASE("the default nodes are /dev/mei0 to /dev/mei15, then /dev/mei", "[unit]") {
    auto paths = default_device_paths();
    REQUIRE(paths.size() == 17);
    CHECK(paths.front() == "/dev/mei0");
    CHECK(paths[15] == "/dev/mei15");
    CHECK(paths.back() == "/dev/mei");
}

TEST_CASE("discovery takes the first node that opens", "[unit]") {
    TempDir dir;
    std::string regular = dir.path + "/mei1";
    std::ofstream(regular) << "";
    LinuxDevice device({dir.path + "/mei0", regular}, [](auto) {});
    // A regular file opens but refuses the connect ioctl (ENOTTY): "no such client".
    CHECK(connect_failure(device) == ErrorCategory::amt_unavailable);
    CHECK(device.path() == regular);
}

TEST_CASE("no node at all is no_device naming the first node", "[unit]") {
    TempDir dir;
    LinuxDevice device({dir.path + "/mei0", dir.path + "/mei"}, [](auto) {});
    try {
        device.connect(k_amthi);
        FAIL("connected to nothing");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::no_device);
        CHECK(std::string(e.what()).find(dir.path + "/mei0 does not exist") != std::string::npos);
    }
}

TEST_CASE("EBUSY is retried with a bounded, growing backoff", "[unit]") {
    std::vector<std::chrono::milliseconds> waits;
    int attempts = 0;
    auto wait = [&](std::chrono::milliseconds d) { waits.push_back(d); };

    retry_while_busy(
        [&] {
            if (++attempts < 3) {
                throw Error(ErrorCategory::device_busy, "busy");
            }
        },
        wait);
    CHECK(attempts == 3);
    CHECK(waits == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(25),
                                                          std::chrono::milliseconds(50)});

    attempts = 0;
    waits.clear();
    try {
        retry_while_busy(
            [&] {
                ++attempts;
                throw Error(ErrorCategory::device_busy, "busy");
            },
            wait);
        FAIL("busy forever succeeded");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::device_busy);
    }
    CHECK(attempts == k_busy_attempts);
    CHECK(waits.size() == static_cast<std::size_t>(k_busy_attempts - 1));
}

TEST_CASE("errors other than busy are not retried", "[unit]") {
    int attempts = 0;
    CHECK_THROWS_AS(retry_while_busy(
                        [&] {
                            ++attempts;
                            throw Error(ErrorCategory::permission_denied, "no");
                        },
                        [](auto) {}),
                    Error);
    CHECK(attempts == 1);
}
