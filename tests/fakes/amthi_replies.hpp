// Builders of AMTHI, MKHI and watchdog replies as a conforming firmware would send them.
#pragma once

#include "amtcfg/amthi/protocol.hpp"

#include <string>
#include <string_view>

namespace amtcfg::test {

inline Bytes amthi_reply(amthi::Command command, ByteView payload,
                         amthi::AmtStatus status = amthi::k_status_success) {
    ByteWriter w;
    w.u8(1).u8(1).u16le(0);
    w.u32le(static_cast<std::uint32_t>(command) | amthi::k_response_flag);
    w.u32le(static_cast<std::uint32_t>(4 + payload.size()));
    w.u32le(status);
    w.bytes(payload);
    return w.take();
}

inline Bytes u32_payload(std::uint32_t value) {
    return ByteWriter().u32le(value).take();
}

// One GetCodeVersions entry: AMT_UNICODE_STRING description and version.
inline void version_entry(ByteWriter& w, std::string_view description, std::string_view version) {
    for (auto text : {description, version}) {
        w.u16le(static_cast<std::uint16_t>(text.size()));
        w.string(text).zeros(20 - text.size());
    }
}

inline Bytes code_versions_payload(std::string_view amt, std::string_view build,
                                   std::string_view sku) {
    ByteWriter w;
    w.string("BIOS-1.2.3").zeros(65 - 10);
    w.u32le(4);
    version_entry(w, "Flash", amt);
    version_entry(w, "AMT", amt);
    version_entry(w, "Sku", sku);
    version_entry(w, "Build Number", build);
    return w.take();
}

// GetCertHashEntry payload in the u32-boolean layout.
inline Bytes cert_hash_payload(std::string_view name, std::uint8_t algorithm, ByteView hash,
                               bool is_default, bool is_active) {
    ByteWriter w;
    w.u32le(is_default ? 1 : 0).u32le(is_active ? 1 : 0);
    w.bytes(hash).zeros(64 - hash.size());
    w.u8(algorithm).u16le(static_cast<std::uint16_t>(name.size())).string(name);
    return w.take();
}

inline Bytes lan_payload(std::uint32_t ipv4, bool dhcp, bool link_up) {
    ByteWriter w;
    w.u32le(1).u32le(ipv4).u32le(dhcp ? 1 : 0).u8(dhcp ? 1 : 0).u8(link_up ? 1 : 0);
    w.bytes(from_hex("001b21aabbcc"));
    return w.take();
}

inline Bytes mkhi_fw_version_reply(std::uint16_t major, std::uint16_t minor, std::uint16_t hotfix,
                                   std::uint16_t build) {
    ByteWriter w;
    w.u8(0xFF).u8(0x82).u8(0).u8(0);
    for (int i = 0; i < 3; ++i) {
        w.u16le(minor).u16le(major).u16le(build).u16le(hotfix);
    }
    return w.take();
}

} // namespace amtcfg::test
