// Secret sources, redaction in logs and durations.
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace amtcfg;

namespace {

struct RecordingSink : LogSink {
    std::vector<std::string> lines;
    void write(LogLevel, std::string_view line) override { lines.emplace_back(line); }
};

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
    std::string path = std::string(AMTCFG_BINARY_DIR) + "/test_secret.txt";
    std::ofstream(path) << "from-file\n";
    CHECK(read_secret(parse_secret_source("file:" + path), "pw").reveal() == "from-file");
    CHECK_THROWS_AS(read_secret(parse_secret_source("file:/nonexistent/x"), "pw"), Error);
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
