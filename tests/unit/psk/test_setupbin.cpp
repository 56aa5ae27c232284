// setup.bin encode/decode: layout, round trips for every version and setting, bad files.
#include "amtcfg/psk/pid_pps.hpp"
#include "amtcfg/psk/setupbin.hpp"
#include "amtcfg/psk/setupbin_values.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::psk;

namespace {

constexpr auto k_all_versions = {SetupBinVersion::v1_0, SetupBinVersion::v2_0,
                                 SetupBinVersion::v2_1, SetupBinVersion::v3_0,
                                 SetupBinVersion::v4_0};

const std::string k_pid = "1234-5674";
const std::string k_pps = "AAAF-ZZZI-0000-AAAF-ZZZI-0000-AAAF-ZZZI";

Record record_with_psk(SetupBinVersion version) {
    Record r;
    if (version >= SetupBinVersion::v2_0) {
        r.flags |= k_record_flag_scrambled;
    }
    r.entries.push_back(make_text_entry(vars::current_mebx_password, "admin"));
    r.entries.push_back(make_text_entry(vars::new_mebx_password, "P@ssw0rd"));
    r.entries.push_back(make_text_entry(vars::pid, parse_pid(k_pid)));
    r.entries.push_back(Entry{vars::pps, parse_pps(k_pps)});
    return r;
}

SetupBin sample(SetupBinVersion version, std::size_t records) {
    SetupBin file;
    file.version = version;
    for (std::size_t i = 0; i < records; ++i) {
        file.records.push_back(record_with_psk(version));
    }
    return file;
}

// A valid command-line value for every settable variable.
std::string sample_value(const VariableSpec& spec) {
    if (!spec.choices.empty()) {
        return std::string(spec.choices.back().name);
    }
    if (spec.kind == ValueKind::guid) {
        return "46732273-DC23-2F43-A98A-13D37982D855";
    }
    return spec.kind == ValueKind::text ? "host.example.com" : "3";
}

std::string problems_text(const DecodedSetupBin& f) {
    std::string text;
    for (const auto& p : f.problems) {
        text += p.where + ": " + p.what + "\n";
    }
    return text;
}

bool has_problem(const DecodedSetupBin& f, const std::string& where, const std::string& what) {
    for (const auto& p : f.problems) {
        if (p.where.find(where) != std::string::npos && p.what.find(what) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::uint16_t u16_at(const Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

} // namespace

TEST_CASE("the header has the version's UUID, chunk counts 1 and the module list", "[unit]") {
    Bytes bytes = encode_setup_bin(sample(SetupBinVersion::v4_0, 2));
    REQUIRE(bytes.size() == 3 * 512);
    CHECK(to_hex(ByteView(bytes).subspan(0, 16)) == "aaa93452e129a9448d4d081c07b96353");
    CHECK(u16_at(bytes, 16) == 1);  // RecordChunkCount, never the known-bad 0
    CHECK(u16_at(bytes, 18) == 46); // 40 + 2 x {1, 2} + terminator
    CHECK(bytes[24] == 4);
    CHECK(bytes[25] == 0);
    CHECK(u16_at(bytes, 28) == 2); // DataRecordCount
    CHECK(u16_at(bytes, 36) == 1); // DataRecordChunkCount, never the known-bad 0
    CHECK(u16_at(bytes, 40) == 1);
    CHECK(u16_at(bytes, 42) == 2);
    CHECK(u16_at(bytes, 44) == 0);
    // Record 2: type 1, Valid|Scrambled, chunk count 1, header 24, number 2.
    CHECK(bytes[1024] == 1);
    CHECK(bytes[1028] == 3);
    CHECK(u16_at(bytes, 1024 + 16) == 1);
    CHECK(u16_at(bytes, 1024 + 18) == 24);
    CHECK(bytes[1024 + 20] == 2);
    CHECK(bytes.back() == 0x11); // scrambled zero fill
}

TEST_CASE("version 2.1 uses the version 2 UUID with minor version 1", "[unit]") {
    Bytes bytes = encode_setup_bin(sample(SetupBinVersion::v2_1, 1));
    CHECK(to_hex(ByteView(bytes).subspan(0, 16)) == "96b28158cf6b724c8b91a15e512e99c4");
    CHECK(bytes[24] == 2);
    CHECK(bytes[25] == 1);
    auto v1 = encode_setup_bin(sample(SetupBinVersion::v1_0, 1));
    CHECK(to_hex(ByteView(v1).subspan(0, 16)) == "b516fb7187cbf94ab441ca7b383578f9");
    CHECK(v1[512 + 4] == 1);  // v1 records are not scrambled
    CHECK(v1.back() == 0x00); // plain zero fill
}

TEST_CASE("every version and every setting it carries round-trips without problems", "[unit]") {
    for (auto version : k_all_versions) {
        INFO("version " << version_info(version).name);
        SetupBin file = sample(version, 2);
        std::size_t settings = 0;
        for (const auto& spec : variable_table()) {
            if (!spec.option.empty() && spec.since <= version) {
                for (auto& record : file.records) {
                    record.entries.push_back(make_setting(spec, sample_value(spec), version));
                }
                ++settings;
            }
        }
        if (version >= SetupBinVersion::v2_0) {
            auto hash =
                version >= SetupBinVersion::v3_0 ? std::string(96, 'b') : std::string(40, 'c');
            file.records[0].entries.push_back(make_cert_hash(hash, "Root CA", version));
        }
        if (version >= SetupBinVersion::v2_1) {
            for (auto& e : make_provisioning_server("10.0.0.2:8080", version)) {
                file.records[1].entries.push_back(std::move(e));
            }
        }
        auto decoded = decode_setup_bin(encode_setup_bin(file));
        INFO(problems_text(decoded));
        CHECK(decoded.problems.empty());
        REQUIRE(decoded.version == version);
        REQUIRE(decoded.records.size() == 2);
        std::size_t extra = version >= SetupBinVersion::v2_0 ? 1 : 0;
        CHECK(decoded.records[0].entries.size() == 4 + settings + extra);
        for (const auto& entry : decoded.records[0].entries) {
            if (entry.var == vars::pps) {
                CHECK(display_pps(entry.value.reveal()) == k_pps);
            }
            if (entry.var == vars::pid) {
                CHECK(show_value(entry, SecretDisplay::hide) == k_pid);
            }
        }
        if (version >= SetupBinVersion::v2_1) {
            auto& last = decoded.records[1].entries;
            bool found = false;
            for (const auto& entry : last) {
                if (entry.var == vars::provisioning_server_address) {
                    CHECK(show_value(entry, SecretDisplay::hide) == "10.0.0.2");
                    found = true;
                }
            }
            CHECK(found);
        }
    }
}

TEST_CASE("secrets are hidden unless asked for", "[unit]") {
    auto decoded = decode_setup_bin(encode_setup_bin(sample(SetupBinVersion::v4_0, 1)));
    for (const auto& entry : decoded.records[0].entries) {
        auto hidden = show_value(entry, SecretDisplay::hide);
        auto shown = show_value(entry, SecretDisplay::show);
        if (entry.var == vars::pps || entry.var == vars::new_mebx_password) {
            CHECK(hidden.find("hidden") != std::string::npos);
            CHECK(shown == (entry.var == vars::pps ? k_pps : "P@ssw0rd"));
        }
    }
}

TEST_CASE("records are consumed in order unless the file says not to", "[unit]") {
    SetupBin file = sample(SetupBinVersion::v4_0, 3);
    file.consumed = 1;
    auto decoded = decode_setup_bin(encode_setup_bin(file));
    CHECK(decoded.records[0].consumed);
    CHECK_FALSE(decoded.records[1].consumed);
    SetupBin shared;
    shared.version = SetupBinVersion::v4_0;
    shared.file_flags = k_file_flag_no_consume;
    shared.records.push_back(Record{});
    shared.records[0].entries.push_back(make_text_entry(vars::current_mebx_password, "admin"));
    shared.records[0].entries.push_back(make_text_entry(vars::new_mebx_password, "P@ssw0rd"));
    auto kept = decode_setup_bin(encode_setup_bin(shared));
    CHECK(kept.problems.empty());
    CHECK_FALSE(kept.records[0].consumed);
}

TEST_CASE("entries are written sorted by module and variable", "[unit]") {
    SetupBin file = sample(SetupBinVersion::v3_0, 1);
    auto& entries = file.records[0].entries;
    entries.insert(entries.begin(),
                   make_setting(*find_variable({2, 28}), "activate", SetupBinVersion::v3_0));
    entries.push_back(make_setting(*find_variable({2, 3}), "example.com", SetupBinVersion::v3_0));
    auto decoded = decode_setup_bin(encode_setup_bin(file));
    CHECK(decoded.problems.empty());
    CHECK(decoded.records[0].entries.front().var == vars::current_mebx_password);
    CHECK(decoded.records[0].entries.back().var == vars::provision_halt_activate);
}

TEST_CASE("bad files are rejected with a precise message", "[unit]") {
    const Bytes good = encode_setup_bin(sample(SetupBinVersion::v4_0, 2));
    REQUIRE(decode_setup_bin(good).problems.empty());

    SECTION("the MeshCommander zero chunk counts") {
        Bytes b = good;
        b[16] = 0;
        b[36] = 0;
        auto f = decode_setup_bin(b);
        CHECK(has_problem(f, "header", "RecordChunkCount is 0: firmware ignores such files"));
        CHECK(has_problem(f, "header", "DataRecordChunkCount is 0"));
    }
    SECTION("a record missing from the end") {
        Bytes b(good.begin(), good.end() - 512);
        CHECK(has_problem(decode_setup_bin(b), "file",
                          "DataRecordCount says 2 records but the file holds 1; the size must be "
                          "(1 + 2) x 512 = 1536 bytes, not 1024"));
    }
    SECTION("a size that is not whole chunks") {
        Bytes b = good;
        b.push_back(0);
        CHECK(has_problem(decode_setup_bin(b), "file", "the size 1537 is not a multiple of 512"));
    }
    SECTION("shorter than a header") {
        CHECK(has_problem(decode_setup_bin(Bytes(100, 0)), "file", "the file has 100 bytes"));
    }
    SECTION("an unknown file type") {
        Bytes b = good;
        b[0] ^= 0xFF;
        CHECK(has_problem(decode_setup_bin(b), "header", "is not a setup.bin type"));
    }
    SECTION("a version that does not match the UUID") {
        Bytes b = good;
        b[24] = 3;
        CHECK(has_problem(decode_setup_bin(b), "header", "version 3.0 does not match"));
    }
    SECTION("a wrong PID checksum") {
        Bytes b = good;
        // Record 1, entry 3 (2.1 PID) starts at body offset 8+8 + 8+8 + 8; its last character
        // is 7 bytes further. Stored scrambled: add 1 to change the character.
        std::size_t at = 512 + 24 + 16 + 16 + 8 + 7;
        b[at] = static_cast<std::uint8_t>(b[at] + 1);
        CHECK(has_problem(decode_setup_bin(b), "record 1, 2.1 PID",
                          "the PID checksum character is 5 but the first 7 characters give 4"));
    }
    SECTION("a variable length that runs past the record") {
        Bytes b = good;
        std::size_t at = 512 + 24 + 4; // VariableLength of the first entry
        b[at] = static_cast<std::uint8_t>(0xF0 + 0x11);
        b[at + 1] = static_cast<std::uint8_t>(0x01 + 0x11);
        CHECK(has_problem(decode_setup_bin(b), "record 1, entry 1.1 at offset 24",
                          "VariableLength is 496 but only 480 bytes remain"));
    }
    SECTION("a record count that disagrees with the record numbers") {
        Bytes b = good;
        b[1024 + 20] = 7;
        CHECK(has_problem(decode_setup_bin(b), "record 2",
                          "RecordNumber is 7; the record at this position is number 2"));
    }
    SECTION("more consumed records than records") {
        Bytes b = good;
        b[32] = 3;
        CHECK(has_problem(decode_setup_bin(b), "header",
                          "DataRecordsConsumed (3) is more than DataRecordCount (2)"));
    }
}

TEST_CASE("entry checks: version support, password rules, order and pairs", "[unit]") {
    std::vector<Problem> problems;
    std::vector<Entry> entries;
    entries.push_back(make_text_entry(vars::current_mebx_password, "admin"));
    entries.push_back(make_text_entry(vars::new_mebx_password, "password"));
    entries.push_back(make_text_entry(vars::pid, "12345674"));
    entries.push_back(make_text_entry({2, 25}, std::string(1, '\1')));
    entries.push_back(make_text_entry({2, 3}, "example.com"));
    check_entries(entries, SetupBinVersion::v2_1, "record 1", problems);
    auto has = [&](const std::string& where, const std::string& what) {
        for (const auto& p : problems) {
            if (p.where == where && p.what.find(what) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    CHECK(has("record 1, 1.2 New MEBx password",
              "the password breaks a MEBx rule: it has no upper-case letter"));
    CHECK(has("record 1, 2.25 Remote desktop (KVM)",
              "needs setup.bin version 3 or later; this file is version 2.1"));
    CHECK(has("record 1", "a PID needs its PPS"));
    CHECK(has("record 1", "entries are out of order: 2.25 comes before 2.3"));
}

TEST_CASE("settings a version does not carry are refused with the reason", "[unit]") {
    CHECK_THROWS_WITH(make_setting(*find_variable({2, 25}), "on", SetupBinVersion::v2_1),
                      "--kvm needs setup.bin version 3 or later (variable 2.25, Remote desktop "
                      "(KVM)); this file is version 2.1");
    CHECK_THROWS_WITH(make_setting(*find_variable({2, 25}), "maybe", SetupBinVersion::v4_0),
                      "--kvm takes one of: off, on");
    CHECK_THROWS_WITH(make_cert_hash(std::string(64, 'a'), "x", SetupBinVersion::v2_0),
                      Catch::Contains("needs setup.bin version 3 or later"));
    CHECK_THROWS_WITH(make_cert_hash("abcd", "x", SetupBinVersion::v4_0),
                      Catch::Contains("has 2 bytes"));
    CHECK_THROWS_WITH(make_provisioning_server("prov.example.com", SetupBinVersion::v4_0),
                      Catch::Contains("takes an IPv4 address"));
    for (const char* bad : {"10.0.0", "10.0.0.1.", "10.0.0.1.2", "10..0.1", "10.0.0.256"}) {
        INFO(bad);
        CHECK_THROWS_WITH(make_provisioning_server(bad, SetupBinVersion::v4_0),
                          Catch::Contains("takes an IPv4 address"));
    }
    CHECK_THROWS_WITH(make_provisioning_server("10.0.0.1:0", SetupBinVersion::v4_0),
                      Catch::Contains("port must be 1 to 65535"));
    CHECK_THROWS_WITH(make_provisioning_server("10.0.0.1", SetupBinVersion::v2_0),
                      Catch::Contains("needs setup.bin version 2.1 or later"));
    CHECK_THROWS_WITH(make_setting(*find_variable({2, 10}), "8", SetupBinVersion::v4_0),
                      "--redirection takes a number from 0 to 7");
}

TEST_CASE("a record that does not fit 488 bytes is refused", "[unit]") {
    SetupBin file = sample(SetupBinVersion::v4_0, 1);
    for (int i = 0; i < 3; ++i) {
        file.records[0].entries.push_back(
            make_setting(*find_variable({2, 4}), std::string(200, 'a'), SetupBinVersion::v4_0));
    }
    CHECK_THROWS_WITH(encode_setup_bin(file), Catch::Contains("needs more than the 488 bytes"));
}
