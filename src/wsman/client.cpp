// WS-Man client: one POST per call, traces with redaction, faults and HTTP statuses as errors.
#include "amtcfg/wsman/client.hpp"

#include "amtcfg/util/secret.hpp"
#include "amtcfg/wsman/redact.hpp"
#include "amtcfg/wsman/schema.hpp"

#include <fmt/format.h>

namespace amtcfg::wsman {

namespace {

// A correct peer ends an enumeration long before this; the bound stops a peer that keeps
// answering partial Pulls forever.
constexpr int k_max_pulls = 1000;

Error not_wsman(std::string_view what, std::string_view why) {
    return Error(ErrorCategory::amt_unavailable,
                 fmt::format("AMT's answer to {} is not a valid WS-Man response: {}", what, why));
}

} // namespace

Reply Client::exchange(const Request& request) {
    std::string id = std::to_string(m_next_message_id++);
    std::string envelope = build_envelope(request, id);
    if (m_log.enabled(LogLevel::trace)) {
        m_log.trace("wsman request {} (MessageID {}):\n{}", request.what, id, redact_xml(envelope));
    }
    // A read that AMT failed with a bare HTTP 500 changed nothing and is asked once more; a
    // Put, Create, Delete, Pull or method call is never re-sent blindly (it may have acted).
    bool retry_safe = request.action == action::get || request.action == action::enumerate;
    http::Response response;
    for (int attempt = 0;; ++attempt) {
        ++m_requests;
        try {
            response = m_http.post(std::string(k_to), envelope);
        } catch (const Error& e) {
            wipe_string(envelope);
            throw e.with_context(fmt::format("WS-Man {}", request.what));
        }
        if (response.status != 500 || !retry_safe || attempt > 0) {
            break;
        }
        m_log.debug("wsman {}: AMT answered HTTP 500; asking once more", request.what);
    }
    wipe_string(envelope);
    if (m_log.enabled(LogLevel::trace)) {
        m_log.trace("wsman response {} (HTTP {}):\n{}", request.what, response.status,
                    redact_xml(response.body));
    }
    Reply reply = interpret(request, response);
    wipe_string(response.body);
    return reply;
}

Reply Client::interpret(const Request& request, const http::Response& response) {
    if (response.status == 401) {
        throw Error(ErrorCategory::auth_failed,
                    fmt::format("AMT rejected the credentials for {} (HTTP 401): check the user "
                                "name and password; after repeated failures AMT also locks the "
                                "account for a while",
                                request.what));
    }
    Reply reply;
    reply.http_status = response.status;
    try {
        reply.envelope = parse_envelope(response.body);
    } catch (const DecodeError& e) {
        if (response.status != 200) {
            throw Error(ErrorCategory::amt_unavailable,
                        fmt::format("AMT answered {} with HTTP {} and no SOAP fault", request.what,
                                    response.status));
        }
        throw not_wsman(request.what, e.what());
    }
    reply.fault = find_fault(reply.envelope);
    if (!reply.fault && response.status != 200) {
        throw Error(ErrorCategory::amt_unavailable,
                    fmt::format("AMT answered {} with HTTP {} and no SOAP fault", request.what,
                                response.status));
    }
    m_log.debug("wsman {}: HTTP {}{}", request.what, response.status,
                reply.fault ? ", fault " + reply.fault->subcode : std::string());
    return reply;
}

Envelope Client::call(const Request& request) {
    Reply reply = exchange(request);
    if (reply.fault) {
        throw fault_error(*reply.fault, request.what);
    }
    return std::move(reply.envelope);
}

Envelope Client::get(std::string_view resource_uri, std::vector<Selector> selectors) {
    return call(make_get(resource_uri, std::move(selectors)));
}

Envelope Client::put(std::string_view resource_uri, Element instance,
                     std::vector<Selector> selectors) {
    return call(make_put(resource_uri, std::move(instance), std::move(selectors)));
}

Envelope Client::create(std::string_view resource_uri, Element instance) {
    return call(make_create(resource_uri, std::move(instance)));
}

void Client::remove(std::string_view resource_uri, std::vector<Selector> selectors) {
    call(make_delete(resource_uri, std::move(selectors)));
}

std::vector<Element> Client::enumerate(std::string_view resource_uri) {
    Request first = make_enumerate(resource_uri);
    Envelope started = call(first);
    const Element* response = started.body.find(ns::enumeration, "EnumerateResponse");
    const Element* context =
        response != nullptr ? response->find(ns::enumeration, "EnumerationContext") : nullptr;
    if (context == nullptr) {
        throw not_wsman(first.what, "EnumerateResponse has no EnumerationContext");
    }
    std::string current = context->text;
    std::vector<Element> items;
    for (int pulls = 0; pulls < k_max_pulls; ++pulls) {
        Request pull = make_pull(resource_uri, current);
        Envelope page = call(pull);
        Element* pulled = page.body.find(ns::enumeration, "PullResponse");
        if (pulled == nullptr) {
            throw not_wsman(pull.what, "the body has no PullResponse");
        }
        if (Element* list = pulled->find(ns::enumeration, "Items")) {
            for (auto& item : list->children) {
                items.push_back(std::move(item));
            }
        }
        if (pulled->find(ns::enumeration, "EndOfSequence") != nullptr) {
            return items;
        }
        // A partial Pull carries the context to continue with (reference/wsman.md section 4).
        if (const Element* next = pulled->find(ns::enumeration, "EnumerationContext")) {
            current = next->text;
        }
    }
    throw Error(ErrorCategory::amt_unavailable,
                fmt::format("AMT did not end the enumeration of {} after {} Pulls",
                            class_name_of(resource_uri), k_max_pulls));
}

MethodResult Client::invoke(std::string_view resource_uri, std::string_view method,
                            const std::vector<std::pair<std::string, std::string>>& arguments,
                            std::vector<Selector> selectors) {
    return invoke(make_invoke(resource_uri, method, arguments, std::move(selectors)), method);
}

MethodResult Client::invoke(Request request, std::string_view method) {
    Reply reply;
    try {
        reply = exchange(request);
    } catch (...) {
        if (request.body) {
            wipe(*request.body);
        }
        throw;
    }
    if (request.body) {
        wipe(*request.body);
    }
    if (reply.fault) {
        throw fault_error(*reply.fault, request.what);
    }
    try {
        return parse_method_result(reply.envelope, request.resource_uri, method);
    } catch (const DecodeError& e) {
        throw not_wsman(request.what, e.what());
    }
}

const Element& instance_of(const Envelope& envelope, std::string_view resource_uri) {
    const Element* instance = envelope.body.find(resource_uri, class_name_of(resource_uri));
    if (instance == nullptr) {
        throw not_wsman(std::string(class_name_of(resource_uri)),
                        "the body does not hold the instance");
    }
    return *instance;
}

} // namespace amtcfg::wsman
