// SOAP/WS-Man envelopes for the simulator: request parsing (namespace-aware) and the response
// and fault shapes AMT firmware sends (wsman.md sections 3-5).
#pragma once

#include "device.hpp"

#include <pugixml.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace amtcfg::sim {

namespace ns {
inline constexpr std::string_view soap = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
inline constexpr std::string_view wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
inline constexpr std::string_view transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
inline constexpr std::string_view enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
inline constexpr std::string_view eventing = "http://schemas.xmlsoap.org/ws/2004/08/eventing";
inline constexpr std::string_view trust = "http://schemas.xmlsoap.org/ws/2005/02/trust";
inline constexpr std::string_view secext =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr std::string_view cimbinding =
    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd";
inline constexpr std::string_view xsi = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view anonymous =
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
inline constexpr std::string_view amt_schema = "http://intel.com/wbem/wscim/1/amt-schema/1/";
inline constexpr std::string_view ips_schema = "http://intel.com/wbem/wscim/1/ips-schema/1/";
inline constexpr std::string_view cim_schema = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
} // namespace ns

namespace action {
inline constexpr std::string_view get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
inline constexpr std::string_view put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
inline constexpr std::string_view create = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create";
inline constexpr std::string_view remove = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete";
inline constexpr std::string_view enumerate =
    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate";
inline constexpr std::string_view pull = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull";
} // namespace action

// The namespace URI of an element, resolved through the xmlns declarations in scope.
std::string namespace_of(pugi::xml_node node);
std::string_view local_name(pugi::xml_node node);
// The first child element with this namespace and local name (order ignored).
pugi::xml_node child(pugi::xml_node parent, std::string_view ns_uri, std::string_view name);

// An endpoint reference read from a request element (Address, ReferenceParameters{ResourceURI,
// SelectorSet}); nothing when `node` has no ReferenceParameters.
struct EndpointRef {
    std::string resource_uri;
    std::map<std::string, std::string> selectors; // text selectors only
};
std::optional<EndpointRef> read_reference(pugi::xml_node node);

struct SoapRequest {
    std::shared_ptr<pugi::xml_document> document;
    std::string action;
    std::string resource_uri;
    std::string message_id;
    std::map<std::string, std::string> selectors; // text selectors
    // Selectors whose value is an a:EndpointReference (DSP0226: how an association such as
    // AMT_TLSCredentialContext is named), by name; they are not in `selectors`.
    std::map<std::string, EndpointRef> reference_selectors;
    pugi::xml_node body; // the first element inside Body, or empty
};

// Parses a request envelope; throws WsmanFault (SchemaValidationError) when it is not one.
SoapRequest parse_request(std::string_view xml);

// The properties of a Put/Create body element (`h:Class{...}`), by local name.
Instance instance_from_xml(pugi::xml_node element);

// A WS-Man fault as AMT reports it (HTTP 400).
struct FaultSpec {
    std::string_view subcode; // with its AMT fault prefix: "e:AccessDenied"
    std::string_view action;  // fault Action URI
    std::string_view reason;
    bool receiver = false; // Code Value a:Receiver instead of a:Sender
};

class WsmanFault : public std::runtime_error {
public:
    WsmanFault(const FaultSpec& spec, std::string detail = {})
        : std::runtime_error(std::string(spec.subcode)), m_spec(spec), m_detail(std::move(detail)) {
    }
    const FaultSpec& spec() const { return m_spec; }
    const std::string& detail() const { return m_detail; }

private:
    FaultSpec m_spec;
    std::string m_detail;
};

namespace fault {
extern const FaultSpec access_denied;
extern const FaultSpec action_not_supported;
extern const FaultSpec destination_unreachable;
extern const FaultSpec already_exists;
extern const FaultSpec invalid_selectors;
extern const FaultSpec invalid_parameter;
extern const FaultSpec schema_validation_error;
extern const FaultSpec invalid_enumeration_context;
extern const FaultSpec internal_error;
extern const FaultSpec invalid_representation;
} // namespace fault

std::string xml_escape(std::string_view text);
// `<p:Class>` + properties + `</p:Class>`; property values are escaped, except those named in
// `references` (endpoint references, already XML).
std::string instance_xml(std::string_view prefix, std::string_view class_name,
                         const Instance& instance,
                         std::span<const std::string_view> references = {});

// Builds response envelopes with AMT's fixed prefixes and its uuid MessageID counter.
class EnvelopeWriter {
public:
    // a..f fixed, g = `g_ns` (and h = `h_ns` when given), then the header and `body`.
    std::string response(const SoapRequest& request, std::string_view resource_uri,
                         std::string_view g_ns, std::string_view h_ns, std::string_view body);
    std::string fault(const SoapRequest* request, const WsmanFault& fault);

private:
    std::string next_message_id();
    std::uint64_t m_counter = 0;
};

} // namespace amtcfg::sim
