// The escrow reader: statuses, old records, the current value per device, a torn last line, and
// strict errors with line numbers that never quote a password.
#include "amtcfg/profile/escrow.hpp"
#include "support.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sys/stat.h>

using namespace amtcfg;
using namespace amtcfg::profile;

namespace {

std::string fixed_time() {
    return "2026-11-23T10:00:00.000Z";
}

// One record line; `extra` is the text after "secret" (id, status, value).
std::string line(const std::string& uuid, const std::string& secret, const std::string& extra) {
    return fmt::format(R"({{"time":"2026-11-23T10:00:00.000Z","uuid":"{}","hostname":"ws17",)"
                       R"("secret":"{}"{}}})",
                       uuid, secret, extra) +
           "\n";
}

std::string pending(const std::string& id, const std::string& value) {
    return fmt::format(R"(,"id":"{}","status":"pending","value":"{}")", id, value);
}

std::string outcome(const std::string& id, const std::string& status) {
    return fmt::format(R"(,"id":"{}","status":"{}")", id, status);
}

std::string value_of(const std::optional<EscrowedValue>& value) {
    REQUIRE(value);
    REQUIRE(value->record->value);
    return value->record->value->reveal();
}

// The message of the Error(invalid_input) that parsing `text` throws.
std::string parse_failure(const std::string& text) {
    try {
        parse_escrow(text, "e.jsonl");
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::invalid_input);
        return error.what();
    }
    FAIL("the escrow text was accepted");
    return "";
}

} // namespace

TEST_CASE("the current value is the newest set one; pending and failed ones are not", "[unit]") {
    std::string text = line("A", "admin-password", pending("1", "One!Pass1")) +
                       line("A", "admin-password", outcome("1", "set")) +
                       line("B", "admin-password", pending("2", "Other!Dev2")) +
                       line("B", "admin-password", outcome("2", "set")) +
                       line("A", "admin-password", pending("3", "Two!Pass2")) +
                       line("A", "admin-password", outcome("3", "failed")) +
                       line("A", "admin-password", pending("4", "Three!Pass3"));
    auto contents = parse_escrow(text);
    CHECK_FALSE(contents.torn_tail);
    CHECK(contents.entries.size() == 7);
    CHECK(value_of(contents.current("A", "admin-password")) == "One!Pass1");
    CHECK(value_of(contents.current("B", "admin-password")) == "Other!Dev2");
    CHECK_FALSE(contents.current("C", "admin-password"));
    CHECK_FALSE(contents.current("A", "mebx-password"));

    auto values = contents.values_of("A", "admin-password");
    REQUIRE(values.size() == 3);
    CHECK(values[0].status == EscrowStatus::set);
    CHECK(values[0].outcome->line == 2);
    CHECK(values[1].status == EscrowStatus::failed);
    CHECK(values[2].status == EscrowStatus::pending);
    CHECK(values[2].outcome == nullptr);

    // Only the pending value after the current one is unresolved (a run that died).
    auto open = contents.unresolved("A", "admin-password");
    REQUIRE(open.size() == 1);
    CHECK(open[0].record->value->reveal() == "Three!Pass3");
    CHECK(contents.unresolved("B", "admin-password").empty());
}

TEST_CASE("the newest set record decides, also when it resolves an older pending one", "[unit]") {
    // Run 1 escrowed 1 and died; run 2 escrowed and set 2; run 3 found out 1 was AMT's after all.
    std::string text = line("A", "admin-password", pending("1", "One!Pass1")) +
                       line("A", "admin-password", pending("2", "Two!Pass2")) +
                       line("A", "admin-password", outcome("2", "set")) +
                       line("A", "admin-password", outcome("1", "set"));
    auto contents = parse_escrow(text);
    CHECK(value_of(contents.current("A", "admin-password")) == "One!Pass1");
    CHECK(contents.unresolved("A", "admin-password").empty());
}

TEST_CASE("records written before statuses existed read as set", "[unit]") {
    std::string old = line("A", "admin-password", R"(,"value":"Old!Pass1")") +
                      line("A", "user:ops", R"(,"value":"Ops!Pass1")");
    auto contents = parse_escrow(old);
    auto current = contents.current("A", "admin-password");
    CHECK(value_of(current) == "Old!Pass1");
    CHECK(current->status == EscrowStatus::set);
    CHECK(current->record->id.empty());
    CHECK(current->status_time() == "2026-11-23T10:00:00.000Z");

    // A newer pending one is unresolved; once set, it is current.
    std::string later = old + line("A", "admin-password", pending("9", "New!Pass2"));
    EscrowContents pending_one = parse_escrow(later);
    CHECK(pending_one.unresolved("A", "admin-password").size() == 1);
    later += line("A", "admin-password", outcome("9", "set"));
    EscrowContents set_one = parse_escrow(later);
    CHECK(value_of(set_one.current("A", "admin-password")) == "New!Pass2");
}

TEST_CASE("attempts without a value record only the outcome", "[unit]") {
    auto contents = parse_escrow(line("A", "mebx-password", R"(,"id":"7","status":"pending")") +
                                 line("A", "mebx-password", outcome("7", "set")));
    auto current = contents.current("A", "mebx-password");
    REQUIRE(current);
    CHECK_FALSE(current->record->value);
}

TEST_CASE("a torn last line is ignored; a bad line anywhere else is an error", "[unit]") {
    std::string whole = line("A", "admin-password", pending("1", "One!Pass1"));
    std::string torn = whole.substr(0, whole.size() / 2);
    auto contents = parse_escrow(whole + torn);
    CHECK(contents.torn_tail);
    CHECK(contents.entries.size() == 1);

    // A whole last record without its newline is a record.
    auto unterminated = parse_escrow(
        whole + whole.substr(0, whole.size() - 1).replace(whole.find("\"1\""), 3, "\"2\""));
    CHECK_FALSE(unterminated.torn_tail);
    CHECK(unterminated.entries.size() == 2);

    auto message = parse_failure(torn + "\n" + whole);
    CHECK(message.find("e.jsonl line 1:") == 0);
    CHECK(message.find("One!") == std::string::npos);
}

TEST_CASE("blank lines and CRLF line ends are accepted", "[unit]") {
    std::string text = "\n" + line("A", "admin-password", R"(,"value":"Old!Pass1")");
    text.insert(text.size() - 1, "\r");
    text += "  \n";
    CHECK(parse_escrow(text).entries.size() == 1);
    CHECK(parse_escrow("").entries.empty());
}

TEST_CASE("escapes are decoded, including surrogate pairs", "[unit]") {
    auto contents =
        parse_escrow(line("A", "admin-password", R"(,"value":"a\"b\\c\/d\t\u00e9\ud83d\ude00")"));
    CHECK(value_of(contents.current("A", "admin-password")) ==
          "a\"b\\c/d\t\xc3\xa9\xf0\x9f\x98\x80");
    // What the writer escapes reads back byte for byte.
    test::TempDir dir;
    std::string awkward = "q\"\\\x01\x1f\x7f\xc3\xa9 ";
    Escrow escrow(dir.file("e.jsonl"), fixed_time);
    escrow.record({"A", "ws\n17", "admin-password"}, Secret(awkward));
    auto read = load_escrow(escrow.path());
    CHECK(read.entries.at(0).hostname == "ws\n17");
    CHECK(read.entries.at(0).value->reveal() == awkward);
}

TEST_CASE("malformed records name the line and what is wrong, never the value", "[unit]") {
    std::string good = line("A", "admin-password", pending("1", "Sekr1t!Pw"));
    struct Case {
        std::string text;
        std::string expected;
    };
    std::vector<Case> cases{
        {"[1]\n", "a record starts with {"},
        {R"({"time":1})"
         "\n",
         "a field's value is not a string"},
        {R"({"time":"x","time":"y"})"
         "\n",
         "a field appears twice"},
        {R"({"time":"x"} x)"
         "\n",
         "text after the record"},
        {R"({"time":"x\q"})"
         "\n",
         "unknown \\ escape"},
        {R"({"time":"\ud800"})"
         "\n",
         "without its low half"},
        {R"({"time":"\udc00"})"
         "\n",
         "lone low surrogate"},
        {R"({"time":"\u12g4"})"
         "\n",
         "not hexadecimal"},
        {"{\"time\":\"a\tb\"}\n", "control character"},
        {line("", "admin-password", pending("5", "Sekr1t!Pw")), "the record has no \"uuid\""},
        {line("A", "admin-password", R"(,"value":"Sekr1t!Pw","colour":"red")"),
         "a field amtcfg does not know"},
        {line("A", "admin-password", R"(,"id":"5","value":"Sekr1t!Pw")"),
         "without \"status\" must have a \"value\" and no \"id\""},
        {line("A", "admin-password", R"(,"id":"5","status":"done")"), "none of pending, set"},
        {line("A", "admin-password", R"(,"status":"pending","value":"Sekr1t!Pw")"),
         "needs an \"id\""},
        {line("A", "admin-password", R"(,"id":"5","status":"set","value":"Sekr1t!Pw")"),
         "must not hold a \"value\""},
        {line("A", "admin-password", outcome("9", "set")), "refers to id 9"},
        {line("B", "admin-password", outcome("1", "set")), "refers to id 1"},
        {line("A", "mebx-password", outcome("1", "failed")), "refers to id 1"},
        {good, "the id 1 was already used on line 1"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto message = parse_failure(good + c.text + good.substr(0, 10));
        CHECK(message.find("e.jsonl line 2: ") == 0);
        CHECK(message.find(c.expected) != std::string::npos);
        CHECK(message.find("Sekr1t") == std::string::npos);
    }
}

TEST_CASE("load_escrow applies the writer's safety checks", "[unit]") {
    test::TempDir dir;
    std::string path = dir.file("e.jsonl");
    CHECK_THROWS_WITH(load_escrow(path),
                      Catch::Contains("does not exist") && Catch::Contains(path));
    std::ofstream(path) << line("A", "admin-password", R"(,"value":"Old!Pass1")");
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    CHECK_THROWS_WITH(load_escrow(path), Catch::Contains("chmod 600"));
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK(load_escrow(path).entries.size() == 1);
    REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(load_escrow(dir.file("fifo")), Catch::Contains("not a regular file"));
    std::ofstream(path, std::ios::app) << "garbage\n" << line("A", "x", R"(,"value":"v")");
    CHECK_THROWS_WITH(load_escrow(path), Catch::Contains("the escrow file " + path + " line 2"));
}
