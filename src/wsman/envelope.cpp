// Request envelopes (reference/wsman.md sections 3-4) and the response envelope reader.
#include "amtcfg/wsman/envelope.hpp"

#include "amtcfg/wsman/schema.hpp"

#include <array>

namespace amtcfg::wsman {

namespace {

Request make(std::string_view act, std::string_view resource_uri, std::string_view op,
             std::vector<Selector> selectors) {
    Request r;
    r.action = std::string(act);
    r.resource_uri = std::string(resource_uri);
    r.selectors = std::move(selectors);
    r.what = std::string(class_name_of(resource_uri)) + " " + std::string(op);
    return r;
}

void add_selector_set(Element& parent, const std::vector<Selector>& selectors);

// Address, then ReferenceParameters{ResourceURI, SelectorSet} (reference section 4).
void add_reference_content(Element& epr, const EndpointReference& reference) {
    epr.add(ns::addressing, "Address", reference.address.empty() ? k_anonymous : reference.address);
    Element& params = epr.add(ns::addressing, "ReferenceParameters");
    params.add(ns::wsman, "ResourceURI", reference.resource_uri);
    add_selector_set(params, reference.selectors);
}

void add_selector_set(Element& parent, const std::vector<Selector>& selectors) {
    Element& set = parent.add(ns::wsman, "SelectorSet");
    for (const auto& s : selectors) {
        Element& sel = set.add(ns::wsman, "Selector", s.reference ? "" : s.value);
        sel.attributes.push_back({"", "Name", s.name});
        if (s.reference) {
            add_reference_content(sel.add(ns::addressing, "EndpointReference"), *s.reference);
        }
    }
}

} // namespace

Request make_get(std::string_view resource_uri, std::vector<Selector> selectors) {
    return make(action::get, resource_uri, "Get", std::move(selectors));
}

Request make_put(std::string_view resource_uri, Element instance, std::vector<Selector> selectors) {
    Request r = make(action::put, resource_uri, "Put", std::move(selectors));
    r.body = std::move(instance);
    return r;
}

Request make_create(std::string_view resource_uri, Element instance) {
    Request r = make(action::create, resource_uri, "Create", {});
    r.body = std::move(instance);
    return r;
}

Request make_delete(std::string_view resource_uri, std::vector<Selector> selectors) {
    return make(action::delete_, resource_uri, "Delete", std::move(selectors));
}

Request make_enumerate(std::string_view resource_uri) {
    Request r = make(action::enumerate, resource_uri, "Enumerate", {});
    r.body = Element{std::string(ns::enumeration), "Enumerate", {}, {}, {}};
    return r;
}

Request make_pull(std::string_view resource_uri, std::string_view context) {
    Request r = make(action::pull, resource_uri, "Pull", {});
    Element pull{std::string(ns::enumeration), "Pull", {}, {}, {}};
    pull.add(ns::enumeration, "EnumerationContext", context);
    pull.add(ns::enumeration, "MaxElements", k_pull_max_elements);
    pull.add(ns::enumeration, "MaxCharacters", k_pull_max_characters);
    r.body = std::move(pull);
    return r;
}

Element make_method_input(std::string_view resource_uri, std::string_view method) {
    return Element{std::string(resource_uri), std::string(method) + "_INPUT", {}, {}, {}};
}

Request make_invoke(std::string_view resource_uri, std::string_view method,
                    const std::vector<std::pair<std::string, std::string>>& arguments,
                    std::vector<Selector> selectors) {
    Request r = make(std::string(resource_uri) + "/" + std::string(method), resource_uri, method,
                     std::move(selectors));
    Element input = make_method_input(resource_uri, method);
    for (const auto& [name, value] : arguments) {
        input.add(resource_uri, name, value);
    }
    r.body = std::move(input);
    return r;
}

Element make_endpoint_reference(std::string_view element_ns, std::string_view element_name,
                                std::string_view resource_uri, const std::vector<Selector>& sel) {
    Element epr{std::string(element_ns), std::string(element_name), {}, {}, {}};
    add_reference_content(epr, {std::string(k_anonymous), std::string(resource_uri), sel});
    return epr;
}

std::string EndpointReference::selector(std::string_view name) const {
    for (const auto& s : selectors) {
        if (s.name == name) {
            return s.value;
        }
    }
    return {};
}

EndpointReference parse_endpoint_reference(const Element& element) {
    const Element* params = element.find(ns::addressing, "ReferenceParameters");
    if (params == nullptr) {
        throw DecodeError(element.name + " is not an endpoint reference (no ReferenceParameters)");
    }
    const Element* uri = params->find(ns::wsman, "ResourceURI");
    if (uri == nullptr) {
        throw DecodeError(element.name + " is an endpoint reference without a ResourceURI");
    }
    EndpointReference out;
    if (const Element* address = element.find(ns::addressing, "Address")) {
        out.address = address->text;
    }
    out.resource_uri = uri->text;
    if (const Element* set = params->find(ns::wsman, "SelectorSet")) {
        for (const Element* selector : set->find_all(ns::wsman, "Selector")) {
            std::string_view name = selector->attribute("Name");
            if (name.empty()) {
                throw DecodeError(element.name + " has a selector without a Name");
            }
            Selector read{std::string(name), selector->text};
            if (const Element* nested = selector->find(ns::addressing, "EndpointReference")) {
                read.reference =
                    std::make_shared<EndpointReference>(parse_endpoint_reference(*nested));
            }
            out.selectors.push_back(std::move(read));
        }
    }
    return out;
}

std::string epr_selector(const Element& endpoint_reference, std::string_view name) {
    try {
        return parse_endpoint_reference(endpoint_reference).selector(name);
    } catch (const DecodeError&) {
        return {};
    }
}

std::string build_envelope(const Request& request, std::string_view message_id) {
    Element env{std::string(ns::soap_envelope), "Envelope", {}, {}, {}};
    Element& header = env.add(ns::soap_envelope, "Header");
    header.add(ns::addressing, "Action", request.action);
    header.add(ns::addressing, "To", k_to);
    header.add(ns::wsman, "ResourceURI", request.resource_uri);
    header.add(ns::addressing, "MessageID", message_id);
    header.add(ns::addressing, "ReplyTo").add(ns::addressing, "Address", k_anonymous);
    header.add(ns::wsman, "OperationTimeout", k_operation_timeout);
    if (!request.selectors.empty()) {
        add_selector_set(header, request.selectors);
    }
    Element& body = env.add(ns::soap_envelope, "Body");
    if (request.body) {
        body.children.push_back(*request.body);
    }
    // The prefixes and declaration order of Open AMT's builder, which firmware accepts.
    const std::array<Prefix, 5> declared{{{ns::xsi, "xsi"},
                                          {ns::xsd, "xsd"},
                                          {ns::addressing, "a"},
                                          {ns::wsman, "w"},
                                          {ns::soap_envelope, ""}}};
    const std::array<Prefix, 2> preferred{{{request.resource_uri, "h"}, {ns::enumeration, ""}}};
    std::string xml =
        R"(<?xml version="1.0" encoding="utf-8"?>)" + write_xml(env, declared, preferred);
    wipe(env);
    return xml;
}

Envelope parse_envelope(std::string_view xml) {
    Element root = parse_xml(xml);
    if (root.ns != ns::soap_envelope || root.name != "Envelope") {
        throw DecodeError("the root element is not a SOAP 1.2 Envelope");
    }
    Envelope out;
    if (const Element* header = root.find(ns::soap_envelope, "Header")) {
        if (const Element* e = header->find(ns::addressing, "Action")) {
            out.action = e->text;
        }
        if (const Element* e = header->find(ns::addressing, "RelatesTo")) {
            out.relates_to = e->text;
        }
        if (const Element* e = header->find(ns::addressing, "MessageID")) {
            out.message_id = e->text;
        }
        if (const Element* e = header->find(ns::wsman, "ResourceURI")) {
            out.resource_uri = e->text;
        }
    }
    Element* body = root.find(ns::soap_envelope, "Body");
    if (body == nullptr) {
        throw DecodeError("the SOAP envelope has no Body");
    }
    out.body = std::move(*body);
    return out;
}

} // namespace amtcfg::wsman
