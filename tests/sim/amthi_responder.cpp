// AMTHI replies (reference/amthi.md sections 1-3): header checks, one handler per command.
#include "amthi_responder.hpp"

#include "amthi_protocol.hpp"
#include "tls_files.hpp"

#include <algorithm>
#include <functional>

namespace amtcfg::sim {

namespace {

using namespace amthi;

struct Reply {
    std::uint32_t status = status::success;
    Bytes payload;
};

Reply fail(std::uint32_t code) {
    return {code, {}};
}

Bytes frame(std::uint32_t request_command, const Reply& reply) {
    ByteWriter out;
    out.u8(k_major_version).u8(k_minor_version).u16le(0);
    out.u32le(request_command | k_response_bit);
    out.u32le(static_cast<std::uint32_t>(4 + reply.payload.size()));
    out.u32le(reply.status).bytes(reply.payload);
    return out.take();
}

// A fixed-size, NUL-padded field (BiosVersion, AMT_UNICODE_STRING, LSA names).
void fixed_string(ByteWriter& out, const std::string& text, std::size_t size) {
    out.string(text.substr(0, size - 1)).zeros(size - std::min(text.size(), size - 1));
}

Reply code_versions(const DeviceState& d) {
    auto table = code_version_table(d);
    ByteWriter out;
    fixed_string(out, d.bios_version, 65);
    out.u32le(static_cast<std::uint32_t>(table.size()));
    for (const auto& row : table) {
        out.u16le(static_cast<std::uint16_t>(row.description.size()));
        fixed_string(out, row.description, 20);
        out.u16le(static_cast<std::uint16_t>(row.version.size()));
        fixed_string(out, row.version, 20);
    }
    return {status::success, out.take()};
}

// Hash handles are opaque to the host; starting them at 16 makes a client that confuses a
// handle with a list index fail visibly.
constexpr std::uint32_t k_first_hash_handle = 16;

Reply hash_handles(const DeviceState& d) {
    ByteWriter out;
    out.u32le(static_cast<std::uint32_t>(d.cert_hashes.size()));
    for (std::size_t i = 0; i < d.cert_hashes.size(); ++i) {
        out.u32le(k_first_hash_handle + static_cast<std::uint32_t>(i));
    }
    return {status::success, out.take()};
}

std::uint8_t hash_algorithm_code(const std::string& name) {
    // amthi.md section 4: the newer mapping (3 SHA384, 4 SHA224, 5 SHA512).
    constexpr std::pair<std::string_view, std::uint8_t> k_codes[] = {
        {"md5", 0}, {"sha1", 1}, {"sha256", 2}, {"sha384", 3}, {"sha224", 4}, {"sha512", 5}};
    for (const auto& [n, code] : k_codes) {
        if (n == name)
            return code;
    }
    return 2;
}

Reply cert_hash_entry(const DeviceState& d, ByteReader& in) {
    std::uint32_t handle = in.u32le("HashHandle");
    if (handle < k_first_hash_handle || handle - k_first_hash_handle >= d.cert_hashes.size()) {
        return fail(status::invalid_index);
    }
    const CertHash& h = d.cert_hashes[handle - k_first_hash_handle];
    Bytes digest = from_hex(h.hash);
    ByteWriter out;
    out.u32le(h.is_default ? 1 : 0).u32le(h.active ? 1 : 0);
    out.bytes(digest).zeros(64 - digest.size());
    out.u8(hash_algorithm_code(h.algorithm));
    out.u16le(static_cast<std::uint16_t>(h.name.size())).string(h.name);
    return {status::success, out.take()};
}

Reply lan_settings(const DeviceState& d, ByteReader& in) {
    std::uint32_t index = in.u32le("InterfaceIndex");
    if (index > 1)
        return fail(status::invalid_parameter);
    const char* wanted = index == 0 ? "wired" : "wireless";
    auto it = std::find_if(d.lan.begin(), d.lan.end(),
                           [&](const LanInterface& l) { return l.interface == wanted; });
    if (it == d.lan.end())
        return fail(status::interface_does_not_exist);
    auto mac = mac_bytes(it->mac);
    ByteWriter out;
    out.u32le(it->enabled ? 1 : 0).u32le(ipv4_value(it->ip)).u32le(it->dhcp ? 1 : 0);
    out.u8(it->dhcp_mode == "active" ? 1 : 2).u8(it->link_up ? 1 : 0);
    out.bytes(mac);
    return {status::success, out.take()};
}

Reply local_system_account(const DeviceState& d) {
    ByteWriter out;
    fixed_string(out, d.lsa_username, 33);
    fixed_string(out, d.lsa_password, 33);
    out.zeros(2); // 68 data bytes, as MeshCentral demands (amthi.md 3.2)
    return {status::success, out.take()};
}

Reply unprovision(DeviceModel& model, ByteReader& in) {
    std::uint32_t mode = in.u32le("Mode");
    if (mode > 1)
        return fail(status::invalid_parameter);
    auto state = model.read([](const DeviceState& d) {
        return std::pair{d.provisioning_state, d.control_mode};
    });
    if (state.first == 0)
        return fail(status::invalid_provisioning_state);
    if (state.second == 2)
        return fail(status::invalid_amt_mode); // ACM refuses (amthi.md 3.2)
    model.modify([](DeviceState& d) { unprovision_device(d); });
    return {status::success, {}};
}

// StopConfiguration (amthi.md 3.2): ends "in provisioning" and returns to pre-provisioning. The
// half-done setup is forgotten: no control mode, no admin password, the MEBx password as it was
// before StartConfigurationHBased, no SHBC context. Outside "in" the simulator answers
// INVALID_PROVISIONING_STATE (its choice: the reference documents no error).
Reply stop_configuration(DeviceModel& model, ByteReader&) {
    if (model.read([](const DeviceState& d) { return d.provisioning_state; }) != 1)
        return fail(status::invalid_provisioning_state);
    model.modify([](DeviceState& d) {
        d.provisioning_state = 0;
        d.control_mode = 0;
        d.wsman.admin_ha1.clear();
        d.admin_password.clear();
        if (d.shbc.pending)
            d.wsman.mebx_password = d.shbc.mebx_before;
        d.shbc = ShbcContext{};
    });
    return {status::success, {}};
}

Reply u32_reply(std::uint32_t value) {
    ByteWriter out;
    out.u32le(value);
    return {status::success, out.take()};
}

struct Handler {
    std::uint32_t command;
    std::uint32_t request_length;
    std::function<Reply(DeviceModel&, ByteReader&)> run;
};

template <class F> std::function<Reply(DeviceModel&, ByteReader&)> reading(F f) {
    return [f](DeviceModel& m, ByteReader& in) {
        return m.read([&](const DeviceState& d) { return f(d, in); });
    };
}

const std::vector<Handler>& handlers() {
    static const std::vector<Handler> table = {
        {command::get_code_versions, 0, reading([](auto& d, auto&) { return code_versions(d); })},
        {command::get_uuid, 0, reading([](auto& d, auto&) {
             auto uuid = uuid_wire_bytes(d.uuid);
             return Reply{status::success, Bytes(uuid.begin(), uuid.end())};
         })},
        {command::get_provisioning_state, 0, reading([](auto& d, auto&) {
             return u32_reply(static_cast<std::uint32_t>(d.provisioning_state));
         })},
        {command::get_control_mode, 0, reading([](auto& d, auto&) {
             return u32_reply(static_cast<std::uint32_t>(d.control_mode));
         })},
        {command::get_dns_suffix, 0, reading([](auto& d, auto&) {
             ByteWriter out;
             out.u16le(static_cast<std::uint16_t>(d.dns_suffix.size())).string(d.dns_suffix);
             return Reply{status::success, out.take()};
         })},
        {command::enumerate_hash_handles, 0,
         reading([](auto& d, auto&) { return hash_handles(d); })},
        {command::get_cert_hash_entry, 4, reading(cert_hash_entry)},
        {command::get_lan_interface_settings, 4, reading(lan_settings)},
        {command::get_local_system_account, 40,
         reading([](auto& d, auto&) { return local_system_account(d); })},
        {command::unprovision, 4, unprovision},
        {command::stop_configuration, 0, stop_configuration},
    };
    return table;
}

// Header checks (amthi.md section 1). The firmware's answers to bad headers are not
// documented; these statuses are the simulator's choice (README.md).
std::optional<std::uint32_t> header_problem(std::uint8_t major, std::uint8_t minor,
                                            std::uint16_t reserved, std::uint32_t command,
                                            std::uint32_t length, std::size_t size) {
    if (major != k_major_version || minor < k_minor_version)
        return status::unsupported_version;
    if (reserved != 0 || (command & k_response_bit) != 0)
        return status::invalid_message_length;
    if (length != size - k_header_size)
        return status::invalid_message_length;
    return std::nullopt;
}

} // namespace

std::optional<Bytes> AmthiResponder::respond(ByteView request) {
    if (request.size() < k_header_size) {
        return frame(0, fail(status::invalid_message_length));
    }
    ByteReader in(request);
    std::uint8_t major = in.u8("Major");
    std::uint8_t minor = in.u8("Minor");
    std::uint16_t reserved = in.u16le("Reserved");
    std::uint32_t command = in.u32le("Command");
    std::uint32_t length = in.u32le("Length");
    if (auto problem = header_problem(major, minor, reserved, command, length, request.size())) {
        return frame(command & ~k_response_bit, fail(*problem));
    }
    auto info = find_command(command);
    std::string_view name = info ? info->name : std::string_view("?");
    if (info && m_faults.fire(FaultKind::amthi_timeout, name))
        return std::nullopt;
    if (auto code = info ? m_faults.fire(FaultKind::amthi_status, name) : std::nullopt) {
        return frame(command, fail(static_cast<std::uint32_t>(*code)));
    }
    auto handler = std::find_if(handlers().begin(), handlers().end(),
                                [&](const Handler& h) { return h.command == command; });
    Reply reply = fail(status::internal_error); // not simulated (amthi.md 6.1)
    if (command == command::start_configuration_hbased) {
        auto [code, payload] = start_configuration_hbased(in, length);
        reply = {code, std::move(payload)};
    } else if (handler != handlers().end()) {
        reply = length == handler->request_length ? handler->run(m_device, in)
                                                  : fail(status::invalid_message_length);
    }
    Bytes bytes = frame(command, reply);
    if (info && m_faults.fire(FaultKind::amthi_short, name))
        bytes = truncate_reply(bytes);
    if (info && m_faults.fire(FaultKind::amthi_garble, name))
        bytes = garble_reply(bytes);
    if (info && m_faults.fire(FaultKind::amthi_stale, name)) {
        // A firmware whose report lags its state: the reply of the first request, unchanged.
        bytes = m_first_replies.try_emplace(command, bytes).first->second;
    }
    return bytes;
}

// StartConfigurationHBased (amthi.md 3.2; wsman.md 7.4): only a TLS-enforced AMT 19+ knows it
// (others answer as for any command the simulator does not implement). The request is checked
// (length 390, algorithm 2 or 3, HostVPNEnable 0 or 1, SuffixListLen <= 320), then the state:
// control mode 0 (else INVALID_AMT_MODE, as StartConfigurationEx answers an activated AMT),
// pre-provisioning (else INVALID_PROVISIONING_STATE). Success: "in provisioning" with the
// client's hash recorded; the reply is u8 HashAlgorithm 2 and the raw SHA-256 of AMT's TLS
// leaf (DER), zero-padded to 64 bytes.
std::pair<std::uint32_t, Bytes> AmthiResponder::start_configuration_hbased(ByteReader& in,
                                                                           std::uint32_t length) {
    bool known = m_device.read([](const DeviceState& d) {
        return d.tls_enforced && amt_major(d) >= k_first_shbc_version;
    });
    if (!known)
        return {status::internal_error, {}};
    if (length != k_hbased_request_length)
        return {status::invalid_message_length, {}};
    auto algorithm = in.u8("ServerHashAlgorithm");
    auto hash = in.bytes(k_hbased_hash_field, "ServerCertHash");
    auto vpn = in.u8("HostVPNEnable");
    auto suffix_length = in.u32le("SuffixListLen");
    if ((algorithm != k_hash_sha256 && algorithm != k_hash_sha384) || vpn > 1 ||
        suffix_length > k_hbased_max_suffix_list)
        return {status::invalid_parameter, {}};
    auto [mode, state] = m_device.read([](const DeviceState& d) {
        return std::pair{d.control_mode, d.provisioning_state};
    });
    if (mode != 0)
        return {status::invalid_amt_mode, {}};
    if (state != 0)
        return {status::invalid_provisioning_state, {}};
    Bytes amt_hash;
    try {
        amt_hash = amt_leaf_sha256(m_tls_dir);
    } catch (const std::runtime_error&) {
        return {status::internal_error, {}}; // no TLS material: with-sim.sh's check says so
    }
    if (m_faults.fire(FaultKind::tls_wrong_hash)) {
        for (auto& byte : amt_hash)
            byte = static_cast<std::uint8_t>(byte ^ 0xFF); // not the hash of the leaf served
    }
    std::size_t size = algorithm == k_hash_sha256 ? 32 : 48;
    auto recorded = to_hex(ByteView(hash.data(), size));
    m_device.modify([&](DeviceState& d) {
        d.provisioning_state = 1;
        d.shbc = ShbcContext{true, algorithm, recorded, d.wsman.mebx_password};
    });
    ByteWriter out;
    out.u8(k_hash_sha256).bytes(amt_hash).zeros(k_hbased_hash_field - amt_hash.size());
    return {status::success, out.take()};
}

Bytes truncate_reply(Bytes reply) {
    std::size_t after_header = reply.size() - k_header_size;
    reply.resize(reply.size() - std::max<std::size_t>(1, (after_header + 1) / 2));
    return reply;
}

Bytes garble_reply(Bytes reply) {
    // The Command field names another operation, and every byte after the status is flipped;
    // Length stays as it was.
    reply[4] = static_cast<std::uint8_t>(reply[4] ^ 0x7F);
    for (std::size_t i = k_header_size + 4; i < reply.size(); ++i) {
        reply[i] = static_cast<std::uint8_t>(reply[i] ^ 0xA5);
    }
    return reply;
}

} // namespace amtcfg::sim
