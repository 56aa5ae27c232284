// The errno table of the MEI boundary: category and a message that names problem and fix.
#include "amtcfg/mei/errors.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace amtcfg;
using namespace amtcfg::mei;

namespace {

ErrorCategory category_of(int err, IoStage stage) {
    return errno_error(err, stage, "/dev/mei0", "AMTHI").category();
}

} // namespace

TEST_CASE("errno at open maps to no device, permission denied or busy", "[unit]") {
    CHECK(category_of(ENOENT, IoStage::open) == ErrorCategory::no_device);
    CHECK(category_of(ENODEV, IoStage::open) == ErrorCategory::no_device);
    CHECK(category_of(EACCES, IoStage::open) == ErrorCategory::permission_denied);
    CHECK(category_of(EBUSY, IoStage::open) == ErrorCategory::device_busy);
    std::string message = errno_error(ENOENT, IoStage::open, "/dev/mei0", "").what();
    CHECK(message == "no MEI device found: /dev/mei0 does not exist (is the mei_me kernel module "
                     "loaded? is Intel ME enabled in the BIOS?)");
    CHECK(std::string(errno_error(EACCES, IoStage::open, "/dev/mei0", "").what())
              .find("run amtcfg as root") != std::string::npos);
}

TEST_CASE("errno at connect: missing client is AMT unavailable, EBUSY is busy", "[unit]") {
    CHECK(category_of(ENOTTY, IoStage::connect) == ErrorCategory::amt_unavailable);
    CHECK(category_of(EBUSY, IoStage::connect) == ErrorCategory::device_busy);
    CHECK(category_of(ENODEV, IoStage::connect) == ErrorCategory::no_device);
    std::string message = errno_error(ENOTTY, IoStage::connect, "/dev/mei0", "AMTHI").what();
    CHECK(message.find("no AMTHI client on /dev/mei0") != std::string::npos);
}

TEST_CASE("errno during a session: timeouts, oversize and resets", "[unit]") {
    CHECK(category_of(ETIME, IoStage::poll) == ErrorCategory::timed_out);
    CHECK(category_of(EFBIG, IoStage::write) == ErrorCategory::internal);
    CHECK(category_of(ENOTTY, IoStage::read) == ErrorCategory::amt_unavailable);
    CHECK_THROWS_AS(throw_errno(ENODEV, IoStage::read, "/dev/mei0", "AMTHI"), Disconnected);
    CHECK_THROWS_AS(throw_errno(ENODEV, IoStage::write, "/dev/mei0", "AMTHI"), Disconnected);
    try {
        throw_errno(ENODEV, IoStage::open, "/dev/mei0", "");
        FAIL("no throw");
    } catch (const Disconnected&) {
        FAIL("ENODEV at open is not a mid-session reset");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::no_device);
    }
}
