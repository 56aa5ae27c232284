// setup.bin versions and variables (reference/psk-setupbin.md sections 2.1 and 2.3), one table.
#include "amtcfg/psk/setupbin.hpp"

#include <algorithm>
#include <array>

namespace amtcfg::psk {

namespace {

using V = SetupBinVersion;
using K = ValueKind;
constexpr auto plain = Sensitivity::plain;
constexpr auto secret = Sensitivity::secret;

constexpr std::array<VersionInfo, 5> k_versions{{
    {V::v1_0, "1", 1, 0, "71FB16B5-CB87-4AF9-B441-CA7B383578F9"},
    {V::v2_0, "2", 2, 0, "5881B296-6BCF-4C72-8B91-A15E512E99C4"},
    {V::v2_1, "2.1", 2, 1, "5881B296-6BCF-4C72-8B91-A15E512E99C4"},
    {V::v3_0, "3", 3, 0, "C6F6F7A7-C489-47F6-93ED-E2E5020DA51D"},
    {V::v4_0, "4", 4, 0, "5234A9AA-29E1-44A9-8D4D-081C07B96353"},
}};

constexpr std::array<Choice, 2> k_off_on{{{"off", 0}, {"on", 1}}};
constexpr std::array<Choice, 2> k_manageability{{{"none", 0}, {"amt", 1}}};
constexpr std::array<Choice, 3> k_fw_update{{{"disabled", 0}, {"enabled", 1}, {"password", 2}}};
constexpr std::array<Choice, 3> k_fw_qualifier{{{"always", 0}, {"never", 1}, {"restricted", 2}}};
constexpr std::array<Choice, 3> k_user_certs{{{"disabled", 0}, {"enabled", 1}, {"delete", 2}}};
constexpr std::array<Choice, 2> k_dhcp{{{"disabled", 1}, {"enabled", 2}}};
constexpr std::array<Choice, 2> k_fqdn{{{"dedicated", 0}, {"shared", 1}}};
constexpr std::array<Choice, 3> k_consent{{{"none", 0}, {"kvm", 1}, {"all", 0xFF}}};
constexpr std::array<Choice, 2> k_halt{{{"halt", 0}, {"activate", 1}}};
constexpr std::array<Choice, 2> k_manual{{{"automated", 0}, {"manual", 1}}};
constexpr std::array<Choice, 3> k_service{{{"reactive", 1}, {"proactive", 2}, {"one-time", 4}}};
constexpr std::span<const Choice> none;

// Which version first carries a variable follows Intel's "Intel AMT and USB Versions" page:
// v1 (AMT 1-2) PID/PPS and passwords; v2.0 (AMT 3) DNS suffix/FQDN, RCFG, up to three SHA-1
// hashes, SOL/IDER; v2.1 (AMT 4) "all the parameters enterable via the MEBx" (firmware update,
// power package, host and domain name, DHCP, VLAN, provisioning server, static IPv4, password
// policy); v3 (AMT 6) IPv6, SHA-256/384 hashes, KVM and user consent. The Fast Call for Help
// service variables (2.30-2.35) are put at v4 because no source names their version.
constexpr auto k_variables = std::to_array<VariableSpec>({
    {{1, 1},
     K::text,
     "current_mebx_password",
     "Current MEBx password",
     V::v1_0,
     32,
     none,
     secret,
     ""},
    {{1, 2}, K::text, "new_mebx_password", "New MEBx password", V::v1_0, 32, none, secret, ""},
    {{1, 3},
     K::u8,
     "manageability_selection",
     "Manageability feature selection",
     V::v1_0,
     0,
     k_manageability,
     plain,
     "--manageability"},
    {{1, 4},
     K::u8,
     "firmware_local_update",
     "Firmware local update",
     V::v2_1,
     0,
     k_fw_update,
     plain,
     "--fw-local-update"},
    {{1, 5},
     K::u8,
     "firmware_update_qualifier",
     "Firmware update qualifier",
     V::v2_1,
     0,
     k_fw_qualifier,
     plain,
     "--fw-update-qualifier"},
    {{1, 6}, K::guid, "power_package", "Power package", V::v2_1, 0, none, plain, "--power-package"},
    {{2, 1}, K::text, "pid", "PID", V::v1_0, 8, none, plain, ""},
    {{2, 2}, K::text, "pps", "PPS", V::v1_0, 32, none, secret, ""},
    {{2, 3},
     K::text,
     "pki_dns_suffix",
     "PKI DNS suffix",
     V::v2_0,
     255,
     none,
     plain,
     "--dns-suffix"},
    {{2, 4},
     K::text,
     "config_server_fqdn",
     "Configuration server FQDN",
     V::v2_0,
     255,
     none,
     plain,
     "--config-server-fqdn"},
    {{2, 5},
     K::u8,
     "remote_configuration",
     "Remote configuration (RCFG)",
     V::v2_0,
     0,
     k_off_on,
     plain,
     "--remote-configuration"},
    {{2, 6},
     K::u8,
     "preinstalled_certificates",
     "Pre-installed certificates enabled",
     V::v2_0,
     0,
     k_off_on,
     plain,
     "--preinstalled-certs"},
    {{2, 7},
     K::u8,
     "user_certificate_config",
     "User-defined certificate configuration",
     V::v2_0,
     0,
     k_user_certs,
     plain,
     "--user-certs"},
    {{2, 8},
     K::cert_hash,
     "user_certificate_add",
     "User-defined certificate hash",
     V::v2_0,
     0,
     none,
     plain,
     ""},
    {{2, 10},
     K::u8,
     "sol_ider_redirection",
     "SOL/IDER redirection (bit 0 SOL, 1 IDER, 2 user/password)",
     V::v2_0,
     7,
     none,
     plain,
     "--redirection"},
    {{2, 11}, K::text, "hostname", "Hostname", V::v2_1, 63, none, plain, "--hostname"},
    {{2, 12}, K::text, "domain_name", "Domain name", V::v2_1, 255, none, plain, "--domain"},
    {{2, 13}, K::u8, "dhcp", "DHCP", V::v2_1, 0, k_dhcp, plain, "--dhcp"},
    {{2, 14},
     K::u8,
     "secure_firmware_update",
     "Secure firmware update (SFWU)",
     V::v2_1,
     0,
     k_off_on,
     plain,
     "--secure-fw-update"},
    {{2, 15}, K::opaque, "ito", "ITO", V::v2_1, 255, none, plain, ""},
    {{2, 16}, K::u8, "provisioning_mode", "Provisioning mode", V::v2_1, 0, none, plain, ""},
    {{2, 17},
     K::ipv4,
     "provisioning_server_address",
     "Provisioning server address",
     V::v2_1,
     0,
     none,
     plain,
     ""},
    {{2, 18},
     K::u16,
     "provisioning_server_port",
     "Provisioning server port",
     V::v2_1,
     0,
     none,
     plain,
     ""},
    {{2, 19}, K::opaque, "static_ipv4", "Static IPv4 parameters", V::v2_1, 255, none, plain, ""},
    {{2, 20}, K::opaque, "vlan", "VLAN", V::v2_1, 255, none, plain, ""},
    {{2, 21},
     K::opaque,
     "password_policy",
     "MEBx password policy flag",
     V::v2_1,
     255,
     none,
     plain,
     ""},
    {{2, 22}, K::opaque, "ipv6", "IPv6", V::v3_0, 255, none, plain, ""},
    {{2, 23},
     K::u8,
     "shared_fqdn",
     "Shared/dedicated FQDN",
     V::v3_0,
     0,
     k_fqdn,
     plain,
     "--fqdn-mode"},
    {{2, 24},
     K::u8,
     "dynamic_dns_update",
     "Dynamic DNS update",
     V::v3_0,
     0,
     k_off_on,
     plain,
     "--dynamic-dns"},
    {{2, 25}, K::u8, "kvm", "Remote desktop (KVM)", V::v3_0, 0, k_off_on, plain, "--kvm"},
    {{2, 26},
     K::u8,
     "user_consent",
     "Opt-in user consent",
     V::v3_0,
     0,
     k_consent,
     plain,
     "--user-consent"},
    {{2, 27},
     K::u8,
     "remote_consent_policy",
     "Opt-in remote IT consent policy",
     V::v3_0,
     0,
     k_off_on,
     plain,
     "--remote-consent-policy"},
    {{2, 28},
     K::u8,
     "provisioning_halt_activate",
     "ME provisioning halt/activate",
     V::v3_0,
     0,
     k_halt,
     plain,
     "--provisioning"},
    {{2, 29},
     K::u8,
     "manual_setup",
     "Manual setup and configuration",
     V::v3_0,
     0,
     k_manual,
     plain,
     ""},
    {{2, 30},
     K::u32,
     "support_channel_id",
     "Support channel identifier",
     V::v4_0,
     65535,
     none,
     plain,
     ""},
    {{2, 31},
     K::text,
     "support_channel_description",
     "Support channel description",
     V::v4_0,
     60,
     none,
     plain,
     ""},
    {{2, 32},
     K::text,
     "service_account_number",
     "Service account number",
     V::v4_0,
     32,
     none,
     plain,
     ""},
    {{2, 33}, K::text, "enrollment_passcode", "Enrollment passcode", V::v4_0, 32, none, secret, ""},
    {{2, 34}, K::u32, "service_type", "Service type", V::v4_0, 0, k_service, plain, ""},
    {{2, 35},
     K::guid,
     "service_provider_id",
     "Service provider identifier",
     V::v4_0,
     0,
     none,
     plain,
     ""},
});

} // namespace

std::span<const VersionInfo> setup_bin_versions() {
    return k_versions;
}

const VersionInfo& version_info(SetupBinVersion version) {
    return k_versions[static_cast<std::size_t>(version)];
}

std::optional<SetupBinVersion> parse_setup_bin_version(std::string_view text) {
    for (const auto& info : k_versions) {
        bool whole = text == info.name;
        bool with_zero = info.minor == 0 && text.size() == 3 && text.substr(1) == ".0" &&
                         text.substr(0, 1) == info.name;
        if (whole || with_zero) {
            return info.version;
        }
    }
    return std::nullopt;
}

std::span<const VariableSpec> variable_table() {
    return k_variables;
}

const VariableSpec* find_variable(VarId var) {
    auto it = std::find_if(k_variables.begin(), k_variables.end(),
                           [&](const VariableSpec& spec) { return spec.var == var; });
    return it == k_variables.end() ? nullptr : &*it;
}

} // namespace amtcfg::psk
