// The SOAP dispatcher: Get, Put, Enumerate, Pull and methods over the class table, with the
// injected WS-Man faults applied per METHOD.
#include "wsman/service.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::sim {
namespace {

constexpr std::size_t k_default_max_elements = 1; // DSP0226 default when MaxElements is absent

const Instance& select_instance(const std::vector<Instance>& instances,
                                const std::map<std::string, std::string>& selectors) {
    if (instances.empty()) {
        throw WsmanFault(fault::destination_unreachable, "no instance");
    }
    if (selectors.empty()) {
        // DSP0226: a resource with several instances needs selectors to pick one.
        if (instances.size() > 1) {
            throw WsmanFault(fault::invalid_selectors, "the class has several instances; a "
                                                       "selector must name one");
        }
        return instances.front();
    }
    for (const auto& instance : instances) {
        bool match = true;
        for (const auto& [name, value] : selectors) {
            match = match && instance.has(name) && instance.get(name) == value;
        }
        if (match) {
            return instance;
        }
    }
    throw WsmanFault(fault::invalid_selectors, "no instance matches the selectors");
}

// Before activation the local system account may make only the calls the activation flows of
// wsman.md section 7 make with it; anything else is refused (section 10: AccessDenied).
constexpr std::string_view k_lsa_calls[] = {
    "AMT_GeneralSettings.Get",
    "IPS_HostBasedSetupService.Get",
    "IPS_HostBasedSetupService.Setup",
    "IPS_HostBasedSetupService.AddNextCertInChain",
    "IPS_HostBasedSetupService.AdminSetup",
};

bool allowed(const DeviceState& state, const std::string& user, const std::string& call) {
    if (state.provisioning_state != 0 || user != state.lsa_username) {
        return true;
    }
    return std::find(std::begin(k_lsa_calls), std::end(k_lsa_calls), call) != std::end(k_lsa_calls);
}

// The name a fault spec uses for this request: "Setup" or "Class.Get".
std::string operation_name(const SoapRequest& request, const ClassSpec& spec) {
    if (request.action == action::get)
        return "Get";
    if (request.action == action::put)
        return "Put";
    if (request.action == action::enumerate)
        return "Enumerate";
    if (request.action == action::pull)
        return "Pull";
    if (request.action == action::create)
        return "Create";
    if (request.action == action::remove)
        return "Delete";
    auto prefix = spec.uri() + "/";
    if (request.action.starts_with(prefix)) {
        return request.action.substr(prefix.size());
    }
    throw WsmanFault(fault::action_not_supported, request.action);
}

HttpResponse soap_response(int status, std::string body, std::string_view version) {
    HttpResponse response;
    response.status = status;
    response.headers = {{"Server", "Intel(R) Active Management Technology " + std::string(version)},
                        {"X-Frame-Options", "DENY"},
                        {"Content-Type", "application/soap+xml; charset=UTF-8"}};
    response.body = std::move(body);
    response.close = status != 200;
    return response;
}

std::string method_output(std::string_view method, const MethodOutput& output) {
    std::string body = fmt::format("<g:{}_OUTPUT>", method);
    for (const auto& [name, value] : output.out) {
        body += fmt::format("<g:{0}>{1}</g:{0}>", name, value);
    }
    return body + fmt::format("<g:ReturnValue>{}</g:ReturnValue></g:{}_OUTPUT>",
                              output.return_value, method);
}

std::string pull(CallContext& context, const ClassSpec& spec) {
    auto& enumerations = context.scratch.enumerations;
    auto body = context.request.body;
    auto id = body ? std::string(child(body, ns::enumeration, "EnumerationContext").child_value())
                   : std::string();
    auto found = enumerations.find(id);
    if (!body || local_name(body) != "Pull" || found == enumerations.end()) {
        throw WsmanFault(fault::invalid_enumeration_context, id);
    }
    std::size_t max = k_default_max_elements;
    if (auto node = child(body, ns::enumeration, "MaxElements")) {
        max = std::max<std::size_t>(1, std::stoul(std::string("0") + node.child_value()));
    }
    auto& items = found->second;
    std::string xml;
    std::size_t count = std::min(max, items.size());
    for (std::size_t i = 0; i < count; ++i) {
        xml += instance_xml("h", spec.name, items[i], spec.references);
    }
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(count));
    if (!items.empty()) { // partial: context before Items, no EndOfSequence
        return fmt::format("<g:PullResponse><g:EnumerationContext>{}</g:EnumerationContext>"
                           "<g:Items>{}</g:Items></g:PullResponse>",
                           id, xml);
    }
    enumerations.erase(found);
    return fmt::format("<g:PullResponse><g:Items>{}</g:Items><g:EndOfSequence></g:EndOfSequence>"
                       "</g:PullResponse>",
                       xml);
}

// The instance a Get, Put or Delete addresses. Instances named by endpoint references (the TLS
// credential context): the class has at most one instance; its handlers check the reference
// selectors (SoapRequest::reference_selectors) themselves.
Instance addressed(CallContext& context, const ClassSpec& spec) {
    auto instances = spec.instances(context);
    if (!spec.references.empty() && spec.create != nullptr) {
        if (instances.empty()) {
            throw WsmanFault(fault::destination_unreachable, "no instance");
        }
        return instances.front();
    }
    return select_instance(instances, context.request.selectors);
}

std::string put(CallContext& context, const ClassSpec& spec) {
    if (spec.put_body != nullptr) {
        spec.put_body(context, addressed(context, spec));
        return instance_xml("g", spec.name, spec.instances(context).front(), spec.references);
    }
    if (spec.put == nullptr) {
        throw WsmanFault(fault::action_not_supported,
                         "Put is not supported on " + std::string(spec.name));
    }
    auto current = select_instance(spec.instances(context), context.request.selectors);
    auto body = context.request.body;
    if (!body || local_name(body) != spec.name || namespace_of(body) != spec.uri()) {
        throw WsmanFault(fault::invalid_representation,
                         "the body is not a " + std::string(spec.name));
    }
    auto merged = merge_put(current, instance_from_xml(body), spec.rules);
    spec.put(context, current, merged);
    std::map<std::string, std::string> key;
    if (current.has("InstanceID")) {
        key["InstanceID"] = current.get("InstanceID");
    }
    return instance_xml("g", spec.name, select_instance(spec.instances(context), key),
                        spec.references);
}

} // namespace

std::string WsmanService::invoke(CallContext& context, const ClassSpec& spec) {
    std::string method = operation_name(context.request, spec);
    for (const auto& candidate : spec.methods) {
        if (candidate.name != method) {
            continue;
        }
        auto input_node = context.request.body;
        if (input_node && (local_name(input_node) != method + "_INPUT" ||
                           namespace_of(input_node) != spec.uri())) {
            throw WsmanFault(fault::invalid_parameter, "expected " + method + "_INPUT");
        }
        auto input = input_node ? instance_from_xml(input_node) : Instance{};
        if (auto forced = fire(m_faults.return_value, std::string(spec.name), method)) {
            return method_output(method, {{}, *forced});
        }
        return method_output(method, candidate.invoke(context, input, input_node));
    }
    throw WsmanFault(fault::action_not_supported, context.request.action);
}

SoapBody WsmanService::operate(CallContext& context, const ClassSpec& spec) {
    const auto& request = context.request;
    std::string uri = spec.uri();
    if (request.action == action::get) {
        return {uri, {}, instance_xml("g", spec.name, addressed(context, spec), spec.references)};
    }
    if (request.action == action::put) {
        return {uri, {}, put(context, spec)};
    }
    if (request.action == action::enumerate) {
        auto id =
            fmt::format("{:08X}-0000-0000-0000-000000000000", ++m_scratch.enumeration_counter);
        m_scratch.enumerations[id] = spec.instances(context);
        return {std::string(ns::enumeration),
                {},
                fmt::format("<g:EnumerateResponse><g:EnumerationContext>{}</g:EnumerationContext>"
                            "</g:EnumerateResponse>",
                            id)};
    }
    if (request.action == action::pull) {
        return {std::string(ns::enumeration), uri, pull(context, spec)};
    }
    if (request.action == action::create) {
        if (spec.create == nullptr) {
            throw WsmanFault(fault::action_not_supported,
                             "Create is not supported on " + std::string(spec.name));
        }
        auto reference = spec.create(context);
        return {std::string(ns::transfer),
                {},
                "<g:ResourceCreated>" + reference + "</g:ResourceCreated>"};
    }
    if (request.action == action::remove) {
        if (spec.remove == nullptr) {
            throw WsmanFault(fault::action_not_supported,
                             "Delete is not supported on " + std::string(spec.name));
        }
        spec.remove(context, addressed(context, spec));
        return {uri, {}, {}};
    }
    return {uri, {}, invoke(context, spec)};
}

std::optional<std::uint32_t> WsmanService::fire(FaultTargets& targets, const std::string& cls,
                                                const std::string& op) {
    if (auto value = targets.fire(cls + "." + op)) {
        return value;
    }
    return targets.fire(op);
}

ServiceReply WsmanService::finish(HttpResponse response, bool drop) {
    auto bytes = serialize_response(response);
    if (drop) {
        bytes.resize(bytes.size() / 2); // the connection dies mid-response
        return {bytes, true};
    }
    return {bytes, response.close};
}

std::uint32_t WsmanService::delay_of(const HttpRequest& http) {
    std::uint32_t delay = m_faults.latency_ms;
    if (m_faults.delay_ms.empty()) {
        return delay;
    }
    try {
        auto request = parse_request(http.body);
        if (const auto* spec = find_class(request.resource_uri)) {
            auto op = operation_name(request, *spec);
            delay += fire(m_faults.delay_ms, std::string(spec->name), op).value_or(0);
        }
    } catch (const WsmanFault&) { // dispatch() answers the bad request without a delay
    }
    return delay;
}

ServiceReply WsmanService::dispatch(DeviceState& state, const HttpRequest& http,
                                    const std::string& user) {
    SoapRequest request;
    bool drop = false;
    try {
        request = parse_request(http.body);
        const auto* spec = find_class(request.resource_uri);
        if (spec == nullptr || (spec->reachable && !spec->reachable(state))) {
            throw WsmanFault(fault::destination_unreachable, request.resource_uri);
        }
        auto op = operation_name(request, *spec);
        std::string cls(spec->name);
        if (!allowed(state, user, cls + "." + op)) {
            throw WsmanFault(fault::access_denied,
                             "the local system account may not call " + cls + "." + op);
        }
        ++m_stats.operations[cls + "." + op];
        if (fire(m_faults.http500, cls, op)) {
            auto response = soap_response(500, {}, state.amt_version);
            response.framing = BodyFraming::content_length;
            return {serialize_response(response), true};
        }
        if (fire(m_faults.soap_fault, cls, op)) {
            throw WsmanFault(fault::internal_error, "injected fault " + op);
        }
        drop = fire(m_faults.drop, cls, op).has_value();
        CallContext context{state, m_scratch, m_env, request, user, spec->name};
        auto reply = operate(context, *spec);
        auto xml = m_writer.response(request, spec->uri(), reply.g_ns, reply.h_ns, reply.body);
        // tls-drop-after-commit: CommitChanges has acted; AMT restarts its services and the
        // connection ends with no response at all and no TLS close_notify (wsman.md 7.4 step 4).
        if (cls == "AMT_SetupAndConfigurationService" && op == "CommitChanges" &&
            m_faults.tls.fire("tls-drop-after-commit")) {
            return {{}, true, true};
        }
        return finish(soap_response(200, xml, state.amt_version), drop);
    } catch (const WsmanFault& error) {
        auto body = m_writer.fault(request.document ? &request : nullptr, error);
        return finish(soap_response(400, body, state.amt_version), drop);
    }
}

} // namespace amtcfg::sim
