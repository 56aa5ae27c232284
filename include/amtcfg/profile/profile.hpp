// The typed model of an amtcfg XML profile (DESIGN.md section 4) and its parser.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/secret.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::profile {

enum class ActivationMode { ccm, acm };
enum class UserConsent { none, kvm, all };
// The two power packages every AMT since 6.0 offers (Intel AMT SDK "Power Packages").
enum class PowerPolicy { s0_only, always_on };
enum class TlsMode { server, mutual };
enum class IssuerType { file, scep, cmp, exec };
// AMT user realms, by the names of the Intel SCS profile editor.
enum class Realm {
    redirection,
    pt_administration,
    hardware_asset,
    remote_control,
    storage,
    event_manager,
    storage_administration,
    agent_presence_local,
    agent_presence_remote,
    circuit_breaker,
    network_time,
    general_info,
    firmware_update,
    eit,
    local_un,
    endpoint_access_control,
    endpoint_access_control_admin,
    event_log_reader,
    audit_log,
    acl,
};

// A secret named by the profile, and the profile line that named it (for diagnostics). File
// paths in file: sources are already resolved against the profile's directory.
struct SecretSetting {
    SecretSource source;
    int line = 0;
};

struct ProvisioningCertificate {
    std::string file; // PKCS#12, resolved against the profile's directory
    SecretSetting password;
    int line = 0;
};

struct Activation {
    ActivationMode mode = ActivationMode::ccm;
    SecretSetting admin_password;
    std::optional<SecretSetting> mebx_password;                      // ACM only
    std::optional<ProvisioningCertificate> provisioning_certificate; // ACM only
    int line = 0;
};

// Absent attributes (std::nullopt) mean "leave the device as it is".
struct General {
    std::optional<bool> hostname_sync;
    std::optional<bool> ping_response;
    int line = 0;
};

struct Network {
    std::optional<bool> dhcp;
    std::optional<bool> ip_sync;
    int line = 0;
};

struct Redirection {
    std::optional<bool> kvm;
    std::optional<bool> sol;
    std::optional<bool> ider;
    std::optional<UserConsent> user_consent;
    int line = 0;
};

// Where AMT's TLS certificate comes from. Which fields are set depends on the type; the parser
// rejects attributes that do not belong to the type.
struct Issuer {
    IssuerType type = IssuerType::file;
    // file: a local CA that signs AMT's certificate request.
    std::string ca_certificate;
    std::string ca_key;
    std::optional<SecretSetting> ca_key_password;
    std::optional<unsigned> validity_days;
    // scep and cmp: the enrollment server.
    std::string url;
    std::optional<SecretSetting> challenge; // scep challenge password
    std::string reference;                  // cmp sender reference for the shared secret
    std::optional<SecretSetting> secret;    // cmp shared secret (MAC protection)
    // scep, cmp: PEM file the server's certificate must chain to. exec: PEM file of the CA
    // certificates the helper's CA issues from (AMT's certificate is verified against them).
    std::string trusted_ca;
    Bytes ca_fingerprint; // scep: SHA-256 the CA certificate must have; empty: any
    // exec: a certmonger submit helper, run through /bin/sh -c (the CSR goes in the environment).
    std::string command;
    int line = 0;
};

struct Tls {
    TlsMode mode = TlsMode::server;
    bool allow_non_tls = false;
    std::string trusted_root;            // mutual only: PEM of the CA that signs client certs
    std::vector<std::string> trusted_cn; // mutual only: accepted client certificate CNs
    // The names AMT's certificate carries. Empty when the profile does not say: the flow then
    // uses the host's FQDN as the common name and FQDN + short hostname as the DNS names.
    std::string common_name;
    std::vector<std::string> dns_names;
    Issuer issuer;
    int line = 0;
};

struct User {
    std::string name;
    SecretSetting password;
    std::vector<Realm> realms;
    int line = 0;
};

struct Maintenance {
    std::optional<std::chrono::milliseconds> clock_drift_max;
    std::optional<unsigned> renew_certificate_days;
    std::optional<unsigned> rotate_password_days; // 0 = never
    int line = 0;
};

struct Profile {
    std::string file_name; // as given to the parser; used in diagnostics
    std::string name;
    Activation activation;
    std::optional<General> general;
    std::optional<Network> network;
    std::optional<Redirection> redirection;
    std::optional<PowerPolicy> power_policy;
    std::optional<Tls> tls;
    std::vector<User> users;
    std::optional<Maintenance> maintenance;

    // "office.xml:7" for diagnostics that point into the profile.
    std::string where(int line) const;
};

// Whether the caller has somewhere to escrow generated passwords (--escrow FILE). When it is
// known to be missing, the parser rejects source="random" and password rotation up front.
enum class EscrowTarget { unknown, given, missing };

struct ParseOptions {
    EscrowTarget escrow = EscrowTarget::unknown;
};

// Parses and validates a profile held in memory. `file_name` is used in diagnostics and
// relative paths in the profile are resolved against its directory. Throws
// Error(invalid_input) with "file:line: problem (expected ...)" on anything wrong.
Profile parse_profile(std::string_view text, const std::string& file_name,
                      const ParseOptions& options = {});

// Reads the file (at most k_max_profile_size bytes) and parses it; Error(invalid_input) when
// it cannot be read.
Profile load_profile(const std::string& path, const ParseOptions& options = {});

inline constexpr std::size_t k_max_profile_size = 1024 * 1024;

// A secret named by the profile, with a description for messages ("admin password").
struct SecretUse {
    std::string what;
    const SecretSetting* setting;
};

// Every secret the profile names, in document order.
std::vector<SecretUse> secrets_of(const Profile& profile);

// True when applying the profile generates a password that must be escrowed.
bool needs_escrow(const Profile& profile);

std::string_view to_string(ActivationMode mode);
std::string_view to_string(UserConsent consent);
std::string_view to_string(PowerPolicy policy);
std::string_view to_string(TlsMode mode);
std::string_view to_string(IssuerType type);
std::string_view to_string(Realm realm);

} // namespace amtcfg::profile
