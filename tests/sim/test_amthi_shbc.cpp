// AMTHI StartConfigurationHBased and StopConfiguration (amthi.md 3.2): request checks, reply
// layout, the state changes, and who knows the command at all.
#include "amthi_responder.hpp"

#include "wsman/tests/tls_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace amtcfg;
using namespace amtcfg::sim;

namespace {

constexpr std::uint32_t k_start = 0x0400008B;
constexpr std::uint32_t k_stop = 0x0400005E;

Bytes frame(std::uint32_t command, const Bytes& payload) {
    ByteWriter out;
    out.u8(1).u8(1).u16le(0).u32le(command).u32le(static_cast<std::uint32_t>(payload.size()));
    out.bytes(payload);
    return out.take();
}

Bytes hbased_payload(std::uint8_t algorithm, const Bytes& hash, std::uint8_t vpn = 0,
                     std::uint32_t suffix_length = 0) {
    ByteWriter out;
    out.u8(algorithm).bytes(hash).zeros(64 - hash.size()).u8(vpn).u32le(suffix_length).zeros(320);
    return out.take();
}

struct Reply {
    std::uint32_t command = 0;
    std::uint32_t length = 0;
    std::uint32_t status = 0;
    Bytes payload;
};

struct Amt19 {
    DeviceModel model{[] {
        auto device = default_device();
        device.amt_version = "19.0.5";
        device.tls_enforced = true;
        return device;
    }()};
    FaultList faults;
    std::string tls_dir = test::sim_tls_dir().path();

    Reply ask(std::uint32_t command, const Bytes& payload = {}) {
        AmthiResponder responder(model, faults, tls_dir);
        auto bytes = responder.respond(frame(command, payload));
        REQUIRE(bytes);
        ByteReader in(*bytes);
        in.skip(4, "version");
        Reply reply;
        reply.command = in.u32le("command");
        reply.length = in.u32le("length");
        CHECK(reply.length == bytes->size() - 12);
        reply.status = in.u32le("status");
        auto rest = in.rest();
        reply.payload.assign(rest.begin(), rest.end());
        return reply;
    }
    DeviceState state() const { return model.snapshot(); }
};

const Bytes k_client_hash = [] {
    Bytes hash(32);
    for (std::size_t i = 0; i < hash.size(); ++i) {
        hash[i] = static_cast<std::uint8_t>(0xA0 + i);
    }
    return hash;
}();

} // namespace

TEST_CASE("StartConfigurationHBased: AMT's leaf hash back, the device in provisioning",
          "[sim][unit][tls]") {
    Amt19 amt;
    amt.model.modify([](DeviceState& d) { d.wsman.mebx_password = "Old-Mebx-1!"; });
    auto reply = amt.ask(k_start, hbased_payload(2, k_client_hash));
    CHECK(reply.command == 0x0480008B);
    CHECK(reply.status == 0);
    CHECK(reply.length == 4 + 1 + 64);
    REQUIRE(reply.payload.size() == 65);
    CHECK(reply.payload[0] == 2);
    CHECK(to_hex(ByteView(reply.payload).subspan(1, 32)) == test::sim_leaf_sha256_hex());
    CHECK(std::all_of(reply.payload.begin() + 33, reply.payload.end(),
                      [](std::uint8_t b) { return b == 0; }));
    auto state = amt.state();
    CHECK(state.provisioning_state == 1);
    CHECK(state.control_mode == 0);
    CHECK(state.shbc.pending);
    CHECK(state.shbc.algorithm == 2);
    CHECK(state.shbc.server_cert_hash == to_hex(k_client_hash));
    // Once "in", a second start is refused.
    CHECK(amt.ask(k_start, hbased_payload(2, k_client_hash)).status == 0x20);
    // The SHBC context survives a state file.
    DeviceState loaded = default_device();
    load_device(save_device(state), loaded);
    CHECK(loaded.shbc.pending);
    CHECK(loaded.shbc.server_cert_hash == state.shbc.server_cert_hash);
    CHECK(loaded.shbc.mebx_before == "Old-Mebx-1!");
}

TEST_CASE("StartConfigurationHBased with SHA-384 records 48 bytes of the hash field",
          "[sim][unit][tls]") {
    Amt19 amt;
    Bytes hash(48, 0x5C);
    auto reply = amt.ask(k_start, hbased_payload(3, hash));
    CHECK(reply.status == 0);
    CHECK(reply.payload[0] == 2); // AMT's own hash is SHA-256 whatever the client used
    CHECK(amt.state().shbc.algorithm == 3);
    CHECK(amt.state().shbc.server_cert_hash == to_hex(hash));
}

TEST_CASE("StartConfigurationHBased checks its request, then the device state",
          "[sim][unit][tls]") {
    Amt19 amt;
    auto short_request = hbased_payload(2, k_client_hash);
    short_request.pop_back();
    CHECK(amt.ask(k_start, short_request).status == 4);
    CHECK(amt.ask(k_start, hbased_payload(1, k_client_hash)).status == 0x24);
    CHECK(amt.ask(k_start, hbased_payload(5, k_client_hash)).status == 0x24);
    CHECK(amt.ask(k_start, hbased_payload(2, k_client_hash, 2)).status == 0x24);
    CHECK(amt.ask(k_start, hbased_payload(2, k_client_hash, 0, 321)).status == 0x24);
    CHECK(amt.ask(k_start, hbased_payload(2, k_client_hash, 1, 320)).status == 0);
    CHECK(amt.state().provisioning_state == 1);

    Amt19 activated;
    activated.model.modify([](DeviceState& d) {
        d.control_mode = 1;
        d.provisioning_state = 2;
    });
    auto refused = activated.ask(k_start, hbased_payload(2, k_client_hash));
    CHECK(refused.status == 3); // INVALID_AMT_MODE
    CHECK(refused.length == 4);
    CHECK_FALSE(activated.state().shbc.pending);
}

TEST_CASE("only a TLS-enforced AMT 19 or later knows StartConfigurationHBased",
          "[sim][unit][tls]") {
    Amt19 old;
    old.model.modify([](DeviceState& d) { d.amt_version = "18.1.2"; });
    CHECK(old.ask(k_start, hbased_payload(2, k_client_hash)).status == 1);
    Amt19 plain;
    plain.model.modify([](DeviceState& d) { d.tls_enforced = false; });
    CHECK(plain.ask(k_start, hbased_payload(2, k_client_hash)).status == 1);
    CHECK(plain.state().provisioning_state == 0);
    Amt19 no_files;
    no_files.tls_dir.clear();
    CHECK(no_files.ask(k_start, hbased_payload(2, k_client_hash)).status == 1);
    CHECK(no_files.state().provisioning_state == 0);
}

TEST_CASE("StopConfiguration returns from in-provisioning to pre-provisioning",
          "[sim][unit][tls]") {
    Amt19 amt;
    CHECK(amt.ask(k_stop).status == 0x20); // not "in"
    REQUIRE(amt.ask(k_start, hbased_payload(2, k_client_hash)).status == 0);
    amt.model.modify([](DeviceState& d) {
        d.wsman.admin_ha1 = "0123456789abcdef0123456789abcdef";
        d.wsman.mebx_password = "New-Mebx-1!";
    });
    auto stop = amt.ask(k_stop);
    CHECK(stop.command == 0x0480005E);
    CHECK(stop.status == 0);
    CHECK(stop.length == 4);
    auto state = amt.state();
    CHECK(state.provisioning_state == 0);
    CHECK(state.control_mode == 0);
    CHECK(state.wsman.admin_ha1.empty());
    CHECK(state.wsman.mebx_password == "admin"); // as before the start
    CHECK_FALSE(state.shbc.pending);
    CHECK(amt.ask(k_stop, {0}).status == 4); // StopConfiguration takes no payload
    // TLS-enforced CCM before CommitChanges is "in" too.
    amt.model.modify([](DeviceState& d) {
        d.control_mode = 1;
        d.provisioning_state = 1;
        d.wsman.admin_ha1 = "0123456789abcdef0123456789abcdef";
    });
    CHECK(amt.ask(k_stop).status == 0);
    CHECK(amt.state().control_mode == 0);
    CHECK(amt.state().wsman.admin_ha1.empty());
}

TEST_CASE("tls-wrong-hash: the reply names another hash", "[sim][unit][tls]") {
    Amt19 amt;
    amt.faults = FaultList::parse("tls-wrong-hash");
    auto reply = amt.ask(k_start, hbased_payload(2, k_client_hash));
    CHECK(reply.status == 0);
    CHECK(to_hex(ByteView(reply.payload).subspan(1, 32)) != test::sim_leaf_sha256_hex());
    CHECK(amt.state().shbc.pending);
    CHECK_THROWS(FaultList::parse("tls-bad-chain*2"));
    CHECK_NOTHROW(FaultList::parse("tls-drop-after-commit*1"));
    CHECK_THROWS(FaultList::parse("tls-wrong-hash:GetUUID"));
}
