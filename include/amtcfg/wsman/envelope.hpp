// SOAP envelopes for AMT: building requests and parsing responses and faults (pure functions).
#pragma once

#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/xml.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

struct EndpointReference;

struct Selector {
    std::string name; // "InstanceID", "Name", ...
    std::string value;
    // A selector whose value is an endpoint reference instead of text (DSP0226 7.3: written as
    // a:EndpointReference inside w:Selector), as AMT_TLSCredentialContext is addressed by its two
    // references (ElementInContext, ElementProvidingContext). `value` is then unused.
    std::shared_ptr<const EndpointReference> reference = nullptr;
};

// One WS-Man request before it gets a MessageID. `body` is the single child of the SOAP Body
// (absent for Get and Delete).
struct Request {
    std::string action;
    std::string resource_uri;
    std::vector<Selector> selectors;
    std::optional<Element> body;
    std::string what; // "AMT_GeneralSettings Get": names the call in messages and traces
};

Request make_get(std::string_view resource_uri, std::vector<Selector> selectors = {});
// `instance` is the class element (namespace = the class URI) with its properties.
Request make_put(std::string_view resource_uri, Element instance,
                 std::vector<Selector> selectors = {});
Request make_create(std::string_view resource_uri, Element instance);
Request make_delete(std::string_view resource_uri, std::vector<Selector> selectors);
Request make_enumerate(std::string_view resource_uri);
Request make_pull(std::string_view resource_uri, std::string_view context);
// `arguments` are (name, value) pairs written as {Method}_INPUT children in the class namespace;
// use make_method_input() directly for arguments that are not plain text (EPRs).
Request make_invoke(std::string_view resource_uri, std::string_view method,
                    const std::vector<std::pair<std::string, std::string>>& arguments,
                    std::vector<Selector> selectors = {});
Element make_method_input(std::string_view resource_uri, std::string_view method);
// An endpoint reference to one instance (for method arguments such as KeyPair).
Element make_endpoint_reference(std::string_view element_ns, std::string_view element_name,
                                std::string_view resource_uri, const std::vector<Selector>& sel);

// An endpoint reference AMT sent (a method output such as KeyPair, an association's SettingData):
// a:Address, then a:ReferenceParameters with w:ResourceURI and w:SelectorSet.
struct EndpointReference {
    std::string address;
    std::string resource_uri;
    std::vector<Selector> selectors;

    // The value of selector `name`, or empty when the reference has none of that name.
    std::string selector(std::string_view name) const;
};

// Reads an endpoint reference element; throws DecodeError when it has no ReferenceParameters
// or no ResourceURI, or a selector without a Name.
EndpointReference parse_endpoint_reference(const Element& element);
// The value of selector `name` inside an endpoint reference, or empty (also when the element is
// not a readable reference).
std::string epr_selector(const Element& endpoint_reference, std::string_view name);

// The request as sent, with the shape of reference/wsman.md section 3.
std::string build_envelope(const Request& request, std::string_view message_id);

// A parsed response envelope. `body` is the SOAP Body element; its children are the payload.
struct Envelope {
    std::string action;
    std::string relates_to;
    std::string message_id;
    std::string resource_uri;
    Element body;
};

// Parses a response; throws DecodeError when it is not a SOAP 1.2 envelope with a Body.
Envelope parse_envelope(std::string_view xml);

struct Fault {
    std::string code;    // local name of Code/Value: "Sender" or "Receiver"
    std::string subcode; // local name of Subcode/Value: "AccessDenied", "DestinationUnreachable"
    std::string reason;  // Reason/Text
    std::string detail;  // text of Detail, if any
};

// The SOAP fault in the body, if there is one.
std::optional<Fault> find_fault(const Envelope& envelope);

// The one translation table from SOAP fault subcodes to error categories and advice.
Error fault_error(const Fault& fault, std::string_view what);

// The result of a method call: ReturnValue is a value; the flow decides what it means.
struct MethodResult {
    std::uint32_t return_value = 0;
    std::string_view return_name; // "SUCCESS", "INVALID_PASSWORD", "AuthFailed", ...
    Element output;               // the {Method}_OUTPUT element with the out-parameters

    bool ok() const { return return_value == 0; }
    // "2054 (INVALID_PASSWORD)", for messages.
    std::string describe() const;
};

// Reads {Method}_OUTPUT from a response body; throws DecodeError if it or ReturnValue is missing.
MethodResult parse_method_result(const Envelope& envelope, std::string_view resource_uri,
                                 std::string_view method);

// The PT_STATUS name of a code (reference/wsman.md section 5), or "UNKNOWN".
std::string_view pt_status_name(std::uint32_t code);
// The name of a ReturnValue of `method` of the class at `resource_uri`: the class's own
// enumeration where it has one (IPS_HostBasedSetupService), else PT_STATUS.
std::string_view return_value_name(std::string_view resource_uri, std::string_view method,
                                   std::uint32_t code);

} // namespace amtcfg::wsman
