// Secret sources, redaction in logs and durations.
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace amtcfg;

namespace {

struct RecordingSink : LogSink {
    std::vector<std::string> lines;
    void write(LogLevel, std::string_view line) override { lines.emplace_back(line); }
};

// What a child process started now sees as its environment (`env` run by the shell).
std::string child_environment() {
    std::string out;
    FILE* child = ::popen("env", "r");
    REQUIRE(child != nullptr);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, child)) > 0;) {
        out.append(buffer, n);
    }
    ::pclose(child);
    return out;
}

std::string temp_file(const std::string& name, const std::string& content) {
    std::string path = std::string(AMTCFG_BINARY_DIR) + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

} // namespace

TEST_CASE("secret sources parse by prefix", "[unit]") {
    CHECK(parse_secret_source("env:AMT_PW").kind == SecretSourceKind::env);
    CHECK(parse_secret_source("env:AMT_PW").location == "AMT_PW");
    CHECK(parse_secret_source("file:/x/y").location == "/x/y");
    CHECK(parse_secret_source("stdin").kind == SecretSourceKind::standard_input);
    CHECK(parse_secret_source("prompt").kind == SecretSourceKind::prompt);
    CHECK(parse_secret_source("random").kind == SecretSourceKind::random);
    auto literal = parse_secret_source("P@ssw0rd!");
    CHECK(literal.kind == SecretSourceKind::literal);
    CHECK(describe(literal) == "a literal value");
    auto escrow = parse_secret_source("escrow:/etc/amtcfg/escrow.jsonl");
    CHECK(escrow.kind == SecretSourceKind::escrow);
    CHECK(escrow.location == "/etc/amtcfg/escrow.jsonl");
    CHECK(describe(escrow) == "escrow:/etc/amtcfg/escrow.jsonl");
}

TEST_CASE("escrow: is resolved by the flows; read_secret refuses it for other secrets", "[unit]") {
    try {
        read_secret(parse_secret_source("escrow:/x/e.jsonl"), "PFX password");
        FAIL("escrow: was read without a device UUID");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::usage);
        CHECK_THAT(error.what(), Catch::Contains("PFX password") &&
                                     Catch::Contains("escrow:/x/e.jsonl") &&
                                     Catch::Contains("--password"));
    }
}

TEST_CASE("read_secret reads env and file sources and names what is missing", "[unit]") {
    ::setenv("AMTCFG_TEST_SECRET", "s3cret!", 1);
    CHECK(read_secret(parse_secret_source("env:AMTCFG_TEST_SECRET"), "admin password").reveal() ==
          "s3cret!");
    ::unsetenv("AMTCFG_TEST_SECRET_UNSET");
    REQUIRE_THROWS_WITH(read_secret(parse_secret_source("env:AMTCFG_TEST_SECRET_UNSET"), "pw"),
                        Catch::Contains("AMTCFG_TEST_SECRET_UNSET") && Catch::Contains("not set"));
    std::string path = temp_file("test_secret.txt", "from-file\n");
    CHECK(read_secret(parse_secret_source("file:" + path), "pw").reveal() == "from-file");
    CHECK_THROWS_AS(read_secret(parse_secret_source("file:/nonexistent/x"), "pw"), Error);
}

TEST_CASE("an env: secret leaves the environment once read, and reads again the same", "[unit]") {
    ::setenv("AMTCFG_TEST_TAKEN", "Taken-s3cret!", 1);
    REQUIRE(child_environment().find("AMTCFG_TEST_TAKEN=") != std::string::npos);
    CHECK(read_secret(parse_secret_source("env:AMTCFG_TEST_TAKEN"), "pw").reveal() ==
          "Taken-s3cret!");
    CHECK(std::getenv("AMTCFG_TEST_TAKEN") == nullptr);
    std::string seen = child_environment();
    CHECK(seen.find("AMTCFG_TEST_TAKEN") == std::string::npos);
    CHECK(seen.find("Taken-s3cret!") == std::string::npos);
    // --password env:X and a profile's env:X in one run both get the value.
    CHECK(read_secret(parse_secret_source("env:AMTCFG_TEST_TAKEN"), "pw").reveal() ==
          "Taken-s3cret!");
}

TEST_CASE("a file: secret source over 4 KiB is refused, 4 KiB is read", "[unit]") {
    std::string fits = temp_file("test_secret_4k.txt", std::string(k_max_secret_file_size, 'a'));
    CHECK(read_secret(parse_secret_source("file:" + fits), "pw").size() == 4096);
    std::string big =
        temp_file("test_secret_big.txt", std::string(k_max_secret_file_size + 1, 'a'));
    try {
        read_secret(parse_secret_source("file:" + big), "PFX password");
        FAIL("an oversized secret file was read");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::usage);
        CHECK_THAT(error.what(), Catch::Contains("PFX password file " + big) &&
                                     Catch::Contains("larger than 4096 bytes"));
    }
    // A pipe is read as a file (file:/dev/stdin, a shell's <(...)).
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "Piped-pw1!\n", 11) == 11);
    ::close(fds[1]);
    CHECK(
        read_secret(parse_secret_source("file:/dev/fd/" + std::to_string(fds[0])), "pw").reveal() ==
        "Piped-pw1!");
    ::close(fds[0]);
}

TEST_CASE("wiping a string clears every character it held, short or moved", "[unit]") {
    std::string text = "Sh0rt-pw!";
    const char* storage = text.data();
    wipe_string(text);
    CHECK(text.empty());
    CHECK(std::string(storage, 9) == std::string(9, '\0'));
    // Moving a short string copies it and leaves the characters behind, past the new size.
    std::string moved = "Sh0rt-pw!";
    const char* left = moved.data();
    std::string taken = std::move(moved);
    wipe_string(moved); // NOLINT(bugprone-use-after-move): wiping the remains is the point
    CHECK(taken == "Sh0rt-pw!");
    CHECK(std::string(left, 9) == std::string(9, '\0'));
}

TEST_CASE("appending with wiping keeps the content and wipes storage it outgrows", "[unit]") {
    std::string buffer;
    std::string expected;
    for (int i = 0; i < 200; ++i) {
        std::string piece = "piece-" + std::to_string(i) + ";";
        append_wiping_old(buffer, piece);
        expected += piece;
    }
    CHECK(buffer == expected);
}

TEST_CASE("error and log text is defused: control characters are shown, not sent", "[unit]") {
    CHECK(strip_controls("plain text\nnext line\twith a tab") ==
          "plain text\nnext line\twith a tab");
    CHECK(strip_controls("AMT said \x1b[2J\x1b]0;owned\x07 ok") ==
          "AMT said \\x1b[2J\\x1b]0;owned\\x07 ok");
    CHECK(strip_controls("header\r\nnext\rover") == "header\nnext\\x0dover");
    CHECK(strip_controls("c1 \xc2\x9b"
                         "31m and del \x7f") == "c1 \\u009b31m and del \\x7f");
    CHECK(strip_controls("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");
    Log log;
    RecordingSink sink;
    log.add_sink(sink, LogLevel::trace);
    log.warning("name from AMT: {}", "evil\x1b[31mred");
    CHECK(sink.lines == std::vector<std::string>{"name from AMT: evil\\x1b[31mred"});
}

TEST_CASE("redaction hides the longest secret and overlapping ones", "[unit]") {
    Log log;
    log.add_secret("abc");
    log.add_secret("abcdef");
    log.add_secret("abc"); // registered twice, listed once
    CHECK(log.redact("x abcdef y abc z abcabc") ==
          "x <redacted> y <redacted> z <redacted><redacted>");
    CHECK(log.redact("") == "");
    CHECK(log.redact("ab") == "ab");
}

TEST_CASE("the log redacts registered secrets on every sink", "[unit]") {
    Log log;
    RecordingSink sink;
    log.add_sink(sink, LogLevel::trace);
    log.add_secret("hunter2");
    log.trace("<Password>{}</Password> and again {}", "hunter2", "hunter2");
    REQUIRE(sink.lines.size() == 1);
    CHECK(sink.lines[0] == "<Password><redacted></Password> and again <redacted>");
}

TEST_CASE("the log drops lines above a sink's level", "[unit]") {
    Log log;
    RecordingSink sink;
    log.add_sink(sink, LogLevel::warning);
    log.debug("hidden");
    log.warning("shown");
    CHECK(sink.lines == std::vector<std::string>{"shown"});
}

TEST_CASE("durations parse with units", "[unit]") {
    CHECK(parse_duration("90").count() == 90'000);
    CHECK(parse_duration("90s").count() == 90'000);
    CHECK(parse_duration("250ms").count() == 250);
    CHECK(parse_duration("2m").count() == 120'000);
    CHECK_THROWS_AS(parse_duration("soon"), Error);
    CHECK_THROWS_AS(parse_duration("5x"), Error);
    CHECK_THROWS_AS(parse_duration(""), Error);
}
