// AMTHI replies: byte layouts of reference/amthi.md, error statuses, request checks, faults.
#include "amthi_responder.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg;
using namespace amtcfg::sim;

namespace {

Bytes request(std::uint32_t command, const Bytes& payload = {}) {
    ByteWriter out;
    out.u8(1).u8(1).u16le(0).u32le(command).u32le(static_cast<std::uint32_t>(payload.size()));
    out.bytes(payload);
    return out.take();
}

Bytes u32_bytes(std::uint32_t value) {
    ByteWriter out;
    out.u32le(value);
    return out.take();
}

struct Parsed {
    std::uint32_t command = 0;
    std::uint32_t length = 0;
    std::uint32_t status = 0;
    Bytes payload;
};

// The client-side checks of amthi.md section 1, then the fields.
Parsed parse(const Bytes& reply) {
    REQUIRE(reply.size() >= 16);
    ByteReader in(reply);
    CHECK(in.u8("major") == 1);
    CHECK(in.u8("minor") == 1);
    CHECK(in.u16le("reserved") == 0);
    Parsed p;
    p.command = in.u32le("command");
    p.length = in.u32le("length");
    CHECK(p.length == reply.size() - 12);
    p.status = in.u32le("status");
    auto rest = in.rest();
    p.payload.assign(rest.begin(), rest.end());
    return p;
}

struct Fixture {
    DeviceModel model{default_device()};
    FaultList faults;
    Parsed ask(std::uint32_t command, const Bytes& payload = {}) {
        AmthiResponder responder(model, faults);
        auto reply = responder.respond(request(command, payload));
        REQUIRE(reply.has_value());
        auto p = parse(*reply);
        CHECK(p.command == (command | 0x00800000));
        return p;
    }
};

} // namespace

TEST_CASE("GetUUID sends 16 bytes, first three fields little-endian", "[sim][unit]") {
    Fixture f;
    auto p = f.ask(0x0400005C);
    CHECK(p.status == 0);
    CHECK(p.length == 20);
    CHECK(to_hex(p.payload) == "580a8a8c231d5e4c9a3b5e2f1a7c9d01");
}

TEST_CASE("GetProvisioningState and GetControlMode send one u32", "[sim][unit]") {
    Fixture f;
    f.model.modify([](DeviceState& d) {
        d.provisioning_state = 2;
        d.control_mode = 1;
    });
    CHECK(f.ask(0x04000011).payload == u32_bytes(2));
    CHECK(f.ask(0x0400006B).payload == u32_bytes(1));
    CHECK(f.ask(0x0400006B).length == 8);
}

TEST_CASE("GetCodeVersions: BIOS[65], count, 44-byte NUL-terminated entries", "[sim][unit]") {
    Fixture f;
    auto p = f.ask(0x0400001A);
    REQUIRE(p.payload.size() == 65 + 4 + 44 * 10);
    CHECK(p.length == 4 + 65 + 4 + 44 * 10); // the kernel sample's count check
    ByteReader in(p.payload);
    CHECK(in.string(22, "bios") == "SIMBIOS.0001.2026.0101");
    in.skip(65 - 22, "bios pad");
    CHECK(in.u32le("count") == 10);
    std::vector<std::pair<std::string, std::string>> rows;
    for (int i = 0; i < 10; ++i) {
        auto dlen = in.u16le("dlen");
        auto desc = in.bytes(20, "desc");
        auto vlen = in.u16le("vlen");
        auto ver = in.bytes(20, "ver");
        CHECK(desc[dlen] == 0);
        CHECK(ver[vlen] == 0);
        rows.emplace_back(std::string(desc.begin(), desc.begin() + dlen),
                          std::string(ver.begin(), ver.begin() + vlen));
    }
    CHECK(rows[3] == std::pair<std::string, std::string>{"AMT", "16.1.25"});
    CHECK(rows[4] == std::pair<std::string, std::string>{"Sku", "16392"});
    CHECK(rows[6] == std::pair<std::string, std::string>{"Build Number", "2051"});
}

TEST_CASE("GetDNSSuffix is one AMT_ANSI_STRING without NUL", "[sim][unit]") {
    Fixture f;
    CHECK(f.ask(0x04000036).payload == Bytes{0, 0});
    f.model.modify([](DeviceState& d) { d.dns_suffix = "corp.example"; });
    auto p = f.ask(0x04000036);
    CHECK(p.length == 4 + 2 + 12);
    CHECK(to_hex(p.payload) == "0c00" + to_hex(as_bytes("corp.example")));
}

TEST_CASE("hash handles enumerate and each entry has the 75+n layout", "[sim][unit]") {
    Fixture f;
    auto handles = f.ask(0x0400002C);
    REQUIRE(handles.payload.size() == 4 + 4 * 3);
    ByteReader in(handles.payload);
    CHECK(in.u32le("count") == 3);
    in.skip(8, "first two");
    std::uint32_t third = in.u32le("third");
    auto entry = f.ask(0x0400002D, u32_bytes(third));
    CHECK(entry.status == 0);
    std::string name = "Go Daddy Root Certificate Authority - G2";
    REQUIRE(entry.payload.size() == 75 + name.size());
    ByteReader e(entry.payload);
    CHECK(e.u32le("default") == 1);
    CHECK(e.u32le("active") == 0);
    CHECK(to_hex(e.bytes(32, "hash")) ==
          "45140b3247eb9cc8c5b4f0d7b53091f73292089e6e5a63e2749dd3aca9198eda");
    e.skip(32, "pad");
    CHECK(e.u8("algorithm") == 2);
    CHECK(e.u16le("name length") == name.size());
    CHECK(e.string(name.size(), "name") == name);
    CHECK(f.ask(0x0400002D, u32_bytes(third + 1)).status == 0x23); // INVALID_INDEX
    CHECK(f.ask(0x0400002D, u32_bytes(third + 1)).length == 4);
}

TEST_CASE("GetLANInterfaceSettings: 20 bytes; missing wireless is a non-zero status",
          "[sim][unit]") {
    Fixture f;
    auto wired = f.ask(0x04000048, u32_bytes(0));
    CHECK(wired.status == 0);
    CHECK(to_hex(wired.payload) == "01000000"
                                   "140aa8c0"
                                   "01000000"
                                   "02"
                                   "01"
                                   "a4bb6d123456");
    auto wireless = f.ask(0x04000048, u32_bytes(1));
    CHECK(wireless.status == 2501); // INTERFACE_DOES_NOT_EXIST
    CHECK(wireless.payload.empty());
    CHECK(f.ask(0x04000048, u32_bytes(2)).status == 0x24); // INVALID_PARAMETER
}

TEST_CASE("GetLocalSystemAccount sends 68 data bytes", "[sim][unit]") {
    Fixture f;
    auto p = f.ask(0x04000067, Bytes(40, 0));
    CHECK(p.length == 72);
    REQUIRE(p.payload.size() == 68);
    CHECK(std::string(reinterpret_cast<const char*>(p.payload.data())) == "$$OsAdmin");
    CHECK(std::string(reinterpret_cast<const char*>(p.payload.data() + 33)) ==
          "Lsa-Pass-0123456789abcdef");
    CHECK(f.ask(0x04000067).status == 4); // the 40 reserved bytes are required
}

TEST_CASE("Unprovision: CCM returns to pre; ACM and pre-provisioning refuse", "[sim][unit]") {
    Fixture f;
    CHECK(f.ask(0x04000010, u32_bytes(0)).status == 0x20); // INVALID_PROVISIONING_STATE
    f.model.modify([](DeviceState& d) {
        d.provisioning_state = 2;
        d.control_mode = 2;
    });
    CHECK(f.ask(0x04000010, u32_bytes(0)).status == 3); // INVALID_AMT_MODE
    CHECK(f.model.snapshot().control_mode == 2);
    f.model.modify([](DeviceState& d) {
        d.control_mode = 1;
        d.admin_password = "secret";
        d.wsman.users.push_back({"helpdesk", "00ff", {"3"}, 32, 2});
    });
    auto p = f.ask(0x04000010, u32_bytes(0));
    CHECK(p.status == 0);
    CHECK(p.length == 4);
    auto after = f.model.snapshot();
    CHECK(after.provisioning_state == 0);
    CHECK(after.control_mode == 0);
    CHECK(after.admin_password.empty());
    CHECK(after.wsman.users.empty()); // the same factory state as WS-Man Unprovision
}

TEST_CASE("bad requests get INVALID_MESSAGE_LENGTH, UNSUPPORTED_VERSION, INTERNAL_ERROR",
          "[sim][unit]") {
    Fixture f;
    AmthiResponder responder(f.model, f.faults);
    Bytes wrong_length = request(0x0400005C);
    wrong_length[8] = 4;
    CHECK(parse(*responder.respond(wrong_length)).status == 4);
    CHECK(f.ask(0x0400005C, Bytes{0, 0, 0, 0}).status == 4); // payload where none belongs
    Bytes old_version = request(0x0400005C);
    old_version[0] = 2;
    CHECK(parse(*responder.respond(old_version)).status == 0x1D);
    CHECK(f.ask(0x04000099).status == 1); // not a command the simulator knows
    CHECK(parse(*responder.respond(Bytes{1, 1, 0})).status == 4);
}

TEST_CASE("amthi faults: status, short, garble, timeout", "[sim][unit]") {
    Fixture f;
    f.faults = FaultList::parse("amthi-status:GetControlMode=0x24\namthi-short:GetUUID\n"
                                "amthi-garble:GetDNSSuffix\namthi-timeout:GetProvisioningState");
    auto status = f.ask(0x0400006B);
    CHECK(status.status == 0x24);
    CHECK(status.payload.empty());
    AmthiResponder responder(f.model, f.faults);
    auto short_reply = *responder.respond(request(0x0400005C));
    CHECK(short_reply.size() == 32 - 10);
    auto garbled = *responder.respond(request(0x04000036));
    CHECK(garbled.size() == 18);
    CHECK((garbled[4] | garbled[5] << 8 | garbled[6] << 16 | garbled[7] << 24) != 0x04800036);
    CHECK_FALSE(responder.respond(request(0x04000011)).has_value());
    CHECK(f.ask(0x0400001A).status == 0); // other commands unaffected
}

TEST_CASE("amthi-stale: a connection keeps getting its first answer", "[sim][unit]") {
    Fixture f;
    f.faults = FaultList::parse("amthi-stale:GetControlMode");
    AmthiResponder responder(f.model, f.faults);
    CHECK(parse(*responder.respond(request(0x0400006B))).payload == u32_bytes(0));
    f.model.modify([](DeviceState& d) {
        d.control_mode = 1;
        d.provisioning_state = 2;
    });
    CHECK(parse(*responder.respond(request(0x0400006B))).payload == u32_bytes(0));
    CHECK(parse(*responder.respond(request(0x04000011))).payload == u32_bytes(2)); // not stale
    CHECK(f.ask(0x0400006B).payload == u32_bytes(1)); // a new connection sees the change
}
