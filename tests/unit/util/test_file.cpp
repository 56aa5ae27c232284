// Private atomic file writes and bounded reads.
#include "amtcfg/util/file.hpp"

#include "amtcfg/util/error.hpp"

#include "fakes/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/stat.h>

using namespace amtcfg;

TEST_CASE("a private file is written 0600, replaces the old one and leaves no temp", "[unit]") {
    testing::TempDir dir;
    std::string file = dir.file("keys");
    write_private_file(file, as_bytes("old"), "list", Overwrite::refuse);
    write_private_file(file, as_bytes("new!"), "list", Overwrite::replace);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777U) == 0600U);
    CHECK(read_whole_file(file, 100, "list") == Bytes{'n', 'e', 'w', '!'});
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("unwritable and oversized files are errors that name the file", "[unit]") {
    testing::TempDir dir;
    CHECK_THROWS_WITH(
        write_private_file(dir.file("no/such/dir/f"), as_bytes("x"), "list", Overwrite::replace),
        Catch::Contains("cannot create the list next to"));
    write_private_file(dir.file("big"), Bytes(10, 1), "list", Overwrite::refuse);
    try {
        read_whole_file(dir.file("big"), 9, "setup.bin");
        FAIL("an oversized file was read");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::invalid_input);
        CHECK(std::string(e.what()).find("larger than 9 bytes") != std::string::npos);
    }
    CHECK_THROWS_WITH(read_whole_file(dir.file("none"), 9, "setup.bin"),
                      Catch::Contains("cannot read the setup.bin"));
}

TEST_CASE("an existing file is not overwritten unless replacing is asked for", "[unit]") {
    testing::TempDir dir;
    std::string file = dir.file("setup.bin");
    write_private_file(file, as_bytes("first"), "setup.bin", Overwrite::refuse);
    try {
        write_private_file(file, as_bytes("second"), "setup.bin", Overwrite::refuse);
        FAIL("an existing file was overwritten");
    } catch (const Error& e) {
        CHECK(e.category() == ErrorCategory::usage);
        CHECK(std::string(e.what()).find("--force") != std::string::npos);
        CHECK(std::string(e.what()).find(file) != std::string::npos);
    }
    Bytes kept = read_whole_file(file, 100, "setup.bin");
    CHECK(std::string(kept.begin(), kept.end()) == "first");
    CHECK_NOTHROW(check_overwrite(file, "setup.bin", Overwrite::replace));
    CHECK_THROWS_WITH(check_overwrite(file, "setup.bin", Overwrite::refuse),
                      Catch::Contains("exists already"));
    // A dangling symbolic link is a name that exists too: it is not followed or replaced.
    std::string link = dir.file("link.bin");
    std::filesystem::create_symlink(dir.file("nowhere"), link);
    CHECK_THROWS_WITH(write_private_file(link, as_bytes("x"), "setup.bin", Overwrite::refuse),
                      Catch::Contains("exists already"));
    CHECK(std::filesystem::is_symlink(link));
    CHECK_FALSE(std::filesystem::exists(dir.file("nowhere")));
    // Nothing but the two names is left: no temporary file survives a refusal.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 2);
}
