// The table of AMT classes the simulator serves and the pieces their handlers share.
#pragma once

#include "device.hpp"
#include "wsman/soap.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::sim {

// What the simulator needs from the outside world; tests pass fakes (no real clock).
struct Environment {
    std::function<std::int64_t()> now;           // real time, Unix seconds
    std::function<void(std::uint32_t)> sleep_ms; // injected latency only
    std::function<std::vector<std::uint8_t>(std::size_t)> random;
};
Environment real_environment();

// Short-lived firmware state that is not persisted: nonces and the chain being added.
struct SetupScratch {
    std::vector<std::uint8_t> configuration_nonce; // 20 bytes, from the last Get
    std::vector<std::vector<std::uint8_t>> chain;  // DER, leaf first, as added
    int cert_chain_status = 0;                     // 0 NotStarted, 1 InProgress, 2 Complete
    std::optional<std::int64_t> last_ta0;          // GetLowAccuracyTimeSynch result
    std::map<std::string, std::vector<Instance>> enumerations; // context -> remaining items
    std::uint64_t enumeration_counter = 0;
    std::string opt_in_code; // shown on the simulated screen after StartOptIn
};

struct CallContext {
    DeviceState& state;
    SetupScratch& scratch;
    const Environment& env;
    const SoapRequest& request;
    const std::string& user;     // the authenticated account
    std::string_view class_name; // the class addressed by the request
};

// A method's output parameters (already XML-escaped text, or raw XML for EPRs) and its
// ReturnValue.
struct MethodOutput {
    std::vector<std::pair<std::string, std::string>> out;
    std::uint32_t return_value = 0;
};

using MethodInput = Instance; // the children of {Method}_INPUT by local name

struct MethodSpec {
    std::string_view name;
    MethodOutput (*invoke)(CallContext&, const MethodInput&, pugi::xml_node input);
};

enum class PropKind { boolean, uint8, uint16, uint32, int32, string, base64, ipv4, hostname };
enum class Access { read_write, read_only };

struct PropRule {
    std::string_view name;
    PropKind kind;
    Access access = Access::read_write;
    std::string_view allowed = {}; // "0|1|4294967295"; empty = any value of the kind
};

struct ClassSpec {
    std::string_view name;
    std::string_view schema; // ns::amt_schema, ns::ips_schema or ns::cim_schema
    std::vector<Instance> (*instances)(CallContext&);
    // Applies a validated Put to the state; null when the class cannot be Put.
    void (*put)(CallContext&, const Instance& current, const Instance& merged) = nullptr;
    std::span<const PropRule> rules = {};
    std::span<const MethodSpec> methods = {};
    bool (*reachable)(const DeviceState&) = nullptr; // false: b:DestinationUnreachable
    // Properties whose values are endpoint references, kept as XML and written unescaped.
    std::span<const std::string_view> references = {};
    // Create (transfer): applies it and returns the EPR content of ResourceCreated (Address and
    // ReferenceParameters); null when the class cannot be created.
    std::string (*create)(CallContext&) = nullptr;
    // Delete of the instance the selectors picked; null when the class cannot be deleted.
    void (*remove)(CallContext&, const Instance& selected) = nullptr;
    // A Put whose body holds endpoint references (not property values): replaces merge_put and
    // `put`; the response is the instance read again.
    void (*put_body)(CallContext&, const Instance& current) = nullptr;

    std::string uri() const { return std::string(schema) + std::string(name); }
};

std::span<const ClassSpec> class_table();
const ClassSpec* find_class(std::string_view resource_uri);

// Checks a Put body against the rules and merges it over `current`: unknown properties and
// invalid values are rejected (d:InvalidRepresentation); read-only properties keep their value.
Instance merge_put(const Instance& current, const Instance& incoming,
                   std::span<const PropRule> rules);
bool valid_value(const PropRule& rule, std::string_view value);

// Helpers for method inputs: a missing or malformed argument yields nothing.
std::optional<std::uint32_t> uint_arg(const MethodInput& input, std::string_view name);
std::optional<std::vector<std::uint8_t>> base64_arg(const MethodInput& input,
                                                    std::string_view name);
std::string base64_encode(std::span<const std::uint8_t> data);
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
std::string bool_text(bool value);

// An endpoint reference as AMT writes it inside an instance or a method output (response
// prefixes b = addressing, c = wsman): Address and ReferenceParameters, as XML.
std::string reference_xml(std::string_view resource_uri,
                          const std::vector<std::pair<std::string, std::string>>& selectors);

// Settings-type classes live in DeviceState::classes; these read and replace them.
std::vector<Instance> stored_instances(const DeviceState& state, std::string_view class_name);
void put_stored(CallContext& context, const Instance& current, const Instance& merged);

// The class tables, one per file.

extern const ClassSpec k_general_settings, k_ethernet_port_settings, k_tls_setting_data,
    k_boot_capabilities, k_redirection_service, k_kvm_redirection_sap, k_kvm_setting_data,
    k_opt_in_service, k_time_sync_service, k_software_identity, k_host_based_setup,
    k_setup_and_configuration, k_authorization_service, k_system_power_scheme,
    k_element_setting_data, k_public_key_management, k_public_key_certificate,
    k_public_private_key_pair, k_tls_credential_context;

} // namespace amtcfg::sim
