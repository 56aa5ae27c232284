// SOAP request parsing and AMT-shaped response/fault envelopes for the simulator.
#include "wsman/soap.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::sim {

namespace fault {
constexpr std::string_view k_wsman_fault = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
constexpr std::string_view k_addressing_fault =
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault";
const FaultSpec access_denied{"e:AccessDenied", k_wsman_fault,
                              "The sender was not authorized to access the resource."};
const FaultSpec action_not_supported{"b:ActionNotSupported", k_addressing_fault,
                                     "The action is not supported by the service."};
const FaultSpec destination_unreachable{
    "b:DestinationUnreachable", k_addressing_fault,
    "No route can be determined to reach the destination role defined by the WSAddressing To."};
const FaultSpec already_exists{"e:AlreadyExists", k_wsman_fault,
                               "The sender attempted to create a resource which already exists."};
const FaultSpec invalid_selectors{"e:InvalidSelectors", k_wsman_fault,
                                  "The Selectors for the resource are not valid."};
const FaultSpec invalid_parameter{"e:InvalidParameter", k_wsman_fault,
                                  "An operation parameter is not valid."};
const FaultSpec schema_validation_error{
    "e:SchemaValidationError", k_wsman_fault,
    "The supplied SOAP violates the corresponding XML schema definition."};
const FaultSpec invalid_enumeration_context{
    "c:InvalidEnumerationContext", "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault",
    "The supplied enumeration context is invalid.", true};
const FaultSpec internal_error{
    "e:InternalError", k_wsman_fault,
    "The service cannot comply with the request due to internal processing errors.", true};
const FaultSpec invalid_representation{"d:InvalidRepresentation",
                                       "http://schemas.xmlsoap.org/ws/2004/09/transfer/fault",
                                       "The XML content is not valid."};
} // namespace fault

std::string_view local_name(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string namespace_of(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string attribute =
        colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (auto scope = node; scope; scope = scope.parent()) {
        if (auto declared = scope.attribute(attribute.c_str())) {
            return declared.value();
        }
    }
    return {};
}

pugi::xml_node child(pugi::xml_node parent, std::string_view ns_uri, std::string_view name) {
    for (auto node : parent.children()) {
        if (node.type() == pugi::node_element && local_name(node) == name &&
            namespace_of(node) == ns_uri) {
            return node;
        }
    }
    return {};
}

namespace {

std::string text_of(pugi::xml_node node) {
    return node ? node.child_value() : std::string();
}

void parse_selectors(pugi::xml_node header, SoapRequest& request) {
    auto set = child(header, ns::wsman, "SelectorSet");
    for (auto node : set.children()) {
        if (node.type() != pugi::node_element || local_name(node) != "Selector") {
            continue;
        }
        std::string name = node.attribute("Name").value();
        if (auto nested = child(node, ns::addressing, "EndpointReference")) {
            request.reference_selectors[name] = read_reference(nested).value_or(EndpointRef{});
        } else {
            request.selectors[name] = node.child_value();
        }
    }
}

} // namespace

std::optional<EndpointRef> read_reference(pugi::xml_node node) {
    auto params = child(node, ns::addressing, "ReferenceParameters");
    if (!params) {
        return std::nullopt;
    }
    EndpointRef out;
    out.resource_uri = child(params, ns::wsman, "ResourceURI").child_value();
    for (auto selector : child(params, ns::wsman, "SelectorSet").children()) {
        if (selector.type() == pugi::node_element && local_name(selector) == "Selector") {
            out.selectors[selector.attribute("Name").value()] = selector.child_value();
        }
    }
    return out;
}

SoapRequest parse_request(std::string_view xml) {
    SoapRequest request;
    request.document = std::make_shared<pugi::xml_document>();
    auto parsed = request.document->load_buffer(xml.data(), xml.size(),
                                                pugi::parse_default | pugi::parse_ws_pcdata_single);
    auto envelope = request.document->document_element();
    if (!parsed || local_name(envelope) != "Envelope" || namespace_of(envelope) != ns::soap) {
        throw WsmanFault(fault::schema_validation_error, "not a SOAP 1.2 envelope");
    }
    auto header = child(envelope, ns::soap, "Header");
    auto body = child(envelope, ns::soap, "Body");
    if (!header || !body) {
        throw WsmanFault(fault::schema_validation_error, "envelope without Header or Body");
    }
    request.action = text_of(child(header, ns::addressing, "Action"));
    request.resource_uri = text_of(child(header, ns::wsman, "ResourceURI"));
    request.message_id = text_of(child(header, ns::addressing, "MessageID"));
    parse_selectors(header, request);
    request.body = body.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
    if (request.action.empty() || request.resource_uri.empty()) {
        throw WsmanFault(fault::schema_validation_error, "no Action or ResourceURI header");
    }
    return request;
}

Instance instance_from_xml(pugi::xml_node element) {
    Instance instance;
    for (auto node : element.children()) {
        if (node.type() == pugi::node_element) {
            instance.add(std::string(local_name(node)), node.child_value());
        }
    }
    return instance;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string instance_xml(std::string_view prefix, std::string_view class_name,
                         const Instance& instance, std::span<const std::string_view> references) {
    std::string out = fmt::format("<{}:{}>", prefix, class_name);
    for (const auto& [name, value] : instance.properties()) {
        bool reference = std::find(references.begin(), references.end(), name) != references.end();
        out += fmt::format("<{0}:{1}>{2}</{0}:{1}>", prefix, name,
                           reference ? value : xml_escape(value));
    }
    return out + fmt::format("</{}:{}>", prefix, class_name);
}

std::string EnvelopeWriter::next_message_id() {
    return fmt::format("uuid:00000000-8086-8086-8086-{:012X}", ++m_counter);
}

std::string EnvelopeWriter::response(const SoapRequest& request, std::string_view resource_uri,
                                     std::string_view g_ns, std::string_view h_ns,
                                     std::string_view body) {
    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a:Envelope xmlns:a=\"{}\" xmlns:b=\"{}\" "
        "xmlns:c=\"{}\" xmlns:d=\"{}\" xmlns:e=\"{}\" xmlns:f=\"{}\" xmlns:g=\"{}\"",
        ns::soap, ns::addressing, ns::wsman, ns::trust, ns::secext, ns::cimbinding, g_ns);
    if (!h_ns.empty()) {
        out += fmt::format(" xmlns:h=\"{}\"", h_ns);
    }
    out += fmt::format(
        " xmlns:xsi=\"{}\"><a:Header><b:To>{}</b:To><b:RelatesTo>{}</b:RelatesTo>"
        "<b:Action a:mustUnderstand=\"true\">{}Response</b:Action><b:MessageID>{}</b:MessageID>"
        "<c:ResourceURI>{}</c:ResourceURI></a:Header><a:Body>{}</a:Body></a:Envelope>",
        ns::xsi, ns::anonymous, xml_escape(request.message_id), xml_escape(request.action),
        next_message_id(), xml_escape(resource_uri), body);
    return out;
}

std::string EnvelopeWriter::fault(const SoapRequest* request, const WsmanFault& error) {
    const auto& spec = error.spec();
    std::string relates = request ? xml_escape(request->message_id) : std::string();
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a:Envelope xmlns:a=\"{}\" xmlns:b=\"{}\" "
        "xmlns:c=\"{}\" xmlns:d=\"{}\" xmlns:e=\"{}\" xmlns:f=\"{}\" xmlns:g=\"{}\" "
        "xmlns:h=\"{}\" xmlns:i=\"{}\"><a:Header><b:To>{}</b:To><b:RelatesTo>{}</b:RelatesTo>"
        "<b:Action a:mustUnderstand=\"true\">{}</b:Action><b:MessageID>{}</b:MessageID>"
        "</a:Header><a:Body><a:Fault><a:Code><a:Value>{}</a:Value><a:Subcode><a:Value>{}"
        "</a:Value></a:Subcode></a:Code><a:Reason><a:Text xml:lang=\"en-US\">{}</a:Text>"
        "</a:Reason><a:Detail>{}</a:Detail></a:Fault></a:Body></a:Envelope>",
        ns::soap, ns::addressing, ns::enumeration, ns::transfer, ns::wsman, ns::eventing,
        ns::cimbinding, ns::trust, ns::secext, ns::anonymous, relates, spec.action,
        next_message_id(), spec.receiver ? "a:Receiver" : "a:Sender", spec.subcode, spec.reason,
        xml_escape(error.detail()));
}

} // namespace amtcfg::sim
