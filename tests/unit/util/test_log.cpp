// The --log-file sink: created 0600, and refused when it is a link, a FIFO, someone else's or open
// to others.
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"

#include "fakes/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace amtcfg;

namespace {

std::string fixed_time() {
    return "2026-12-06T20:00:00.000Z";
}

std::string content(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The message of the Error(usage) that opening `path` as the log file throws ("" if none).
std::string refusal(const std::string& path) {
    try {
        FileSink sink(path, fixed_time);
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::usage);
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("the log file is created 0600 whatever the umask, and appended to", "[unit]") {
    testing::TempDir dir;
    mode_t saved = ::umask(0);
    {
        FileSink sink(dir.file("amtcfg.log"), fixed_time);
        sink.write(LogLevel::error, "first");
    }
    ::umask(saved);
    struct stat info {};
    REQUIRE(::stat(dir.file("amtcfg.log").c_str(), &info) == 0);
    CHECK((info.st_mode & 07777U) == 0600U);
    {
        FileSink again(dir.file("amtcfg.log"), fixed_time);
        again.write(LogLevel::info, "second");
    }
    CHECK(content(dir.file("amtcfg.log")) == "2026-12-06T20:00:00.000Z error   first\n"
                                             "2026-12-06T20:00:00.000Z info    second\n");
}

TEST_CASE("a symbolic link as log file is refused and its target left alone", "[unit]") {
    testing::TempDir dir;
    std::ofstream(dir.file("target")) << "keep\n";
    ::chmod(dir.file("target").c_str(), 0600);
    std::filesystem::create_symlink(dir.file("target"), dir.file("link.log"));
    CHECK_THAT(refusal(dir.file("link.log")), Catch::Contains("symbolic link"));
    CHECK(content(dir.file("target")) == "keep\n");
    // A dangling link is not followed to create a file elsewhere either.
    std::filesystem::create_symlink(dir.file("elsewhere"), dir.file("dangling.log"));
    CHECK_THAT(refusal(dir.file("dangling.log")), Catch::Contains("symbolic link"));
    CHECK_FALSE(std::filesystem::exists(dir.file("elsewhere")));
}

TEST_CASE("a log file others may read, or of another owner, is refused with the fix", "[unit]") {
    testing::TempDir dir;
    std::ofstream(dir.file("open.log")) << "";
    REQUIRE(::chmod(dir.file("open.log").c_str(), 0644) == 0);
    std::string open = refusal(dir.file("open.log"));
    CHECK_THAT(open, Catch::Contains("mode 0644") && Catch::Contains("chmod 600"));
    if (::geteuid() == 0) { // the suite runs as root; only root can give a file away
        std::ofstream(dir.file("theirs.log")) << "";
        REQUIRE(::chmod(dir.file("theirs.log").c_str(), 0600) == 0);
        REQUIRE(::chown(dir.file("theirs.log").c_str(), 65534, 65534) == 0);
        CHECK_THAT(refusal(dir.file("theirs.log")), Catch::Contains("belongs to uid 65534"));
    } else {
        WARN("not root: the other-owner case is not checked");
    }
    CHECK_THAT(refusal(dir.path().string()), Catch::Contains("cannot"));
}

TEST_CASE("a FIFO as log file is refused at once instead of waiting for a reader", "[unit]") {
    testing::TempDir dir;
    REQUIRE(::mkfifo(dir.file("log.fifo").c_str(), 0600) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::alarm(20); // a hang ends the child with SIGALRM: a failure, within a bound
        try {
            FileSink sink(dir.file("log.fifo"), fixed_time);
        } catch (const Error& error) {
            std::string text = error.what();
            ::_exit(text.find("FIFO") != std::string::npos ? 0 : 2);
        }
        ::_exit(1);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
