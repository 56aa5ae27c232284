// Escrow: 0600 creation, refusal of unsafe files, append-only JSON lines, escaping.
#include "amtcfg/profile/escrow.hpp"
#include "support.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

std::string fixed_time() {
    return "2026-11-23T10:00:00.000Z";
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

unsigned mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777U;
}

// Sets the process umask for one test and restores it.
struct Umask {
    explicit Umask(mode_t mask) : saved(::umask(mask)) {}
    ~Umask() { ::umask(saved); }
    mode_t saved;
};

} // namespace

TEST_CASE("the escrow file is created 0600 even with a permissive umask", "[unit]") {
    test::TempDir dir;
    Umask open_umask(0);
    Escrow escrow(dir.file("escrow.jsonl"), fixed_time);
    escrow.check();
    CHECK(mode_of(escrow.path()) == 0600U);
    CHECK(lines_of(escrow.path()).empty());

    Escrow direct(dir.file("direct.jsonl"), fixed_time);
    direct.record({"uuid-1", "ws17", "admin-password"}, Secret("N3w!Passw0rd"));
    CHECK(mode_of(direct.path()) == 0600U);
}

TEST_CASE("records are JSON lines appended after what is already there", "[unit]") {
    test::TempDir dir;
    Escrow escrow(dir.file("escrow.jsonl"), fixed_time);
    auto first_id =
        escrow.record({"8c8a0a58-0000", "ws17", "admin-password"}, Secret("First!Pass1"));
    auto second_id =
        escrow.record({"8c8a0a58-0000", "ws17", "mebx-password"}, Secret("Second!Pass2"));
    CHECK(first_id.size() == 16);
    CHECK(first_id != second_id);
    auto lines = lines_of(escrow.path());
    REQUIRE(lines.size() == 2);
    auto first = nlohmann::json::parse(lines[0]);
    CHECK(first == nlohmann::json{{"time", "2026-11-23T10:00:00.000Z"},
                                  {"uuid", "8c8a0a58-0000"},
                                  {"hostname", "ws17"},
                                  {"secret", "admin-password"},
                                  {"id", first_id},
                                  {"status", "pending"},
                                  {"value", "First!Pass1"}});
    CHECK(nlohmann::json::parse(lines[1])["value"] == "Second!Pass2");

    // A new Escrow object (a later run) appends; earlier lines stay byte for byte.
    Escrow later(escrow.path(), fixed_time);
    later.check();
    later.record_outcome({"8c8a0a58-0000", "ws17", "admin-password"}, first_id, EscrowStatus::set);
    auto attempt = later.record_attempt({"8c8a0a58-0000", "ws17", "mebx-password"});
    auto after = lines_of(escrow.path());
    REQUIRE(after.size() == 4);
    CHECK(after[0] == lines[0]);
    CHECK(after[1] == lines[1]);
    // Outcomes and attempts carry no value.
    CHECK(nlohmann::json::parse(after[2]) == nlohmann::json{{"time", "2026-11-23T10:00:00.000Z"},
                                                            {"uuid", "8c8a0a58-0000"},
                                                            {"hostname", "ws17"},
                                                            {"secret", "admin-password"},
                                                            {"id", first_id},
                                                            {"status", "set"}});
    auto third = nlohmann::json::parse(after[3]);
    CHECK(third["id"] == attempt);
    CHECK(third["status"] == "pending");
    CHECK_FALSE(third.contains("value"));
}

TEST_CASE("a torn last line is cut off before the next record is appended", "[unit]") {
    test::TempDir dir;
    std::string path = dir.file("escrow.jsonl");
    Escrow escrow(path, fixed_time);
    escrow.record({"u", "h", "admin-password"}, Secret("Whole!Pass1"));
    std::string whole = test::read_file(path);
    {
        std::ofstream append(path, std::ios::app);
        append << R"({"time":"2026-11-23T10:00:01.000Z","uuid":"u","hostname":"h","sec)";
    }
    auto id = escrow.record({"u", "h", "admin-password"}, Secret("After!Pass2"));
    auto lines = lines_of(path);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] + "\n" == whole);
    CHECK(nlohmann::json::parse(lines[1])["id"] == id);
    CHECK(parse_escrow(test::read_file(path)).entries.size() == 2);

    // A file that is nothing but a torn line is emptied before the first whole one.
    std::ofstream(path, std::ios::trunc) << "{\"time\":";
    escrow.record({"u", "h", "admin-password"}, Secret("Third!Pass3"));
    CHECK(lines_of(path).size() == 1);
}

TEST_CASE("values that need escaping stay valid JSON", "[unit]") {
    test::TempDir dir;
    Escrow escrow(dir.file("e.jsonl"), fixed_time);
    std::string awkward = "a\"b\\c\td\x01"
                          "e/\xc3\xa9";
    escrow.record({"u", "host \"q\"", "admin-password"}, Secret(awkward));
    auto lines = lines_of(escrow.path());
    REQUIRE(lines.size() == 1);
    auto record = nlohmann::json::parse(lines[0]);
    CHECK(record["value"] == awkward);
    CHECK(record["hostname"] == "host \"q\"");
    CHECK(json_quote("x\ny") == "\"x\\u000ay\"");
}

TEST_CASE("an escrow file others can read is refused with the fix, and left unchanged", "[unit]") {
    test::TempDir dir;
    std::string path = dir.file("shared.jsonl");
    std::ofstream(path) << "{\"old\":1}\n";
    for (mode_t mode : {0644U, 0640U, 0604U, 0620U}) {
        INFO("mode " << std::oct << mode);
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        Escrow escrow(path, fixed_time);
        std::string expected_mode = fmt::format("(mode {:04o})", mode);
        REQUIRE_THROWS_WITH(escrow.record({"u", "h", "admin-password"}, Secret("Pw!12345a")),
                            Catch::Contains("can be read or written by its group or other "
                                            "users") &&
                                Catch::Contains(expected_mode) &&
                                Catch::Contains("chmod 600 " + path));
        CHECK_THROWS_AS(escrow.check(), Error);
        CHECK(lines_of(path) == std::vector<std::string>{"{\"old\":1}"});
    }
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    Escrow(path, fixed_time).record({"u", "h", "admin-password"}, Secret("Pw!12345a"));
    CHECK(lines_of(path).size() == 2);
}

TEST_CASE("symbolic links, directories and missing directories are refused", "[unit]") {
    test::TempDir dir;
    std::string target = dir.file("target.jsonl");
    std::ofstream(target).close();
    ::chmod(target.c_str(), 0600);
    std::string link = dir.file("link.jsonl");
    std::filesystem::create_symlink(target, link);
    REQUIRE_THROWS_WITH(Escrow(link, fixed_time).check(),
                        Catch::Contains("symbolic link") && Catch::Contains(link));
    CHECK_THROWS_WITH(Escrow(dir.path().string(), fixed_time).check(),
                      Catch::Contains("escrow file"));
    CHECK_THROWS_WITH(Escrow(dir.file("no/such/dir.jsonl"), fixed_time).check(),
                      Catch::Contains("create the directory first"));
    try {
        Escrow(dir.file("no/such/dir.jsonl"), fixed_time).check();
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::usage);
    }
}

namespace {

// Runs `body` in a forked child that SIGALRM ends if it blocks, so a hang fails the test within
// a bound instead of hanging it. Returns the child's exit status (-1 when a signal ended it).
int in_bounded_child(const std::function<int()>& body) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::alarm(20);
        int status = 3;
        try {
            status = body();
        } catch (...) {
            status = 4;
        }
        ::_exit(status);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// 0 when `action` is refused with a usage error saying the path is not a regular file.
int refused_as_not_regular(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        std::string text = error.what();
        bool names_it = text.find("not a regular file") != std::string::npos;
        return error.category() == ErrorCategory::usage && names_it ? 0 : 2;
    }
    return 1;
}

} // namespace

TEST_CASE("a FIFO as escrow file is refused at once, with or without a reader", "[unit]") {
    test::TempDir dir;
    std::string fifo = dir.file("escrow.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    Escrow escrow(fifo, fixed_time);
    SECTION("no reader: opening for writing must not wait for one") {
        CHECK(in_bounded_child([&] { return refused_as_not_regular([&] { escrow.check(); }); }) ==
              0);
        CHECK(in_bounded_child([&] {
                  return refused_as_not_regular([&] {
                      escrow.record({"u", "h", "admin-password"}, Secret("Pw!12345a"));
                  });
              }) == 0);
    }
    SECTION("a reader is waiting: nothing is written into the pipe") {
        int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
        REQUIRE(reader >= 0);
        CHECK(in_bounded_child([&] {
                  return refused_as_not_regular([&] {
                      escrow.record({"u", "h", "admin-password"}, Secret("Pw!12345a"));
                  });
              }) == 0);
        char byte = 0;
        CHECK(::read(reader, &byte, 1) <= 0);
        ::close(reader);
    }
}
