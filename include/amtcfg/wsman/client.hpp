// The WS-Man client: generic Get/Put/Create/Delete/Enumerate/method calls over an http::Client.
#pragma once

#include "amtcfg/http/client.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/wsman/envelope.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman {

// A response that arrived: the envelope, and the SOAP fault in it if there was one.
struct Reply {
    int http_status = 0;
    Envelope envelope;
    std::optional<Fault> fault;
};

// Talks to one AMT through an http::Client (LMS or the APF tunnel; digest auth is the
// transport's business). Each call is one HTTP POST; `-vvv` traces show every request and
// response with secret elements and registered secrets redacted.
//
// Errors: HTTP 401 -> auth_failed; a SOAP fault -> the category of fault_error()'s table;
// an answer that is not a WS-Man envelope -> amt_unavailable. Method ReturnValues are values.
class Client {
public:
    Client(http::Client& http, Log& log) : m_http(http), m_log(log) {}

    Envelope get(std::string_view resource_uri, std::vector<Selector> selectors = {});
    // Returns the updated instance AMT sends back.
    Envelope put(std::string_view resource_uri, Element instance,
                 std::vector<Selector> selectors = {});
    Envelope create(std::string_view resource_uri, Element instance);
    void remove(std::string_view resource_uri, std::vector<Selector> selectors);
    // Enumerate, then Pull until EndOfSequence; returns every item in order.
    std::vector<Element> enumerate(std::string_view resource_uri);
    // Calls {Method} with plain-text arguments. The request body is wiped after sending,
    // because arguments may be passwords.
    MethodResult invoke(std::string_view resource_uri, std::string_view method,
                        const std::vector<std::pair<std::string, std::string>>& arguments,
                        std::vector<Selector> selectors = {});
    // Calls a method whose request the caller built (arguments that are EPRs).
    MethodResult invoke(Request request, std::string_view method);

    // Sends one request; a SOAP fault comes back as a value (for callers to whom a fault such
    // as AlreadyExists is an answer). Throws for HTTP 401 and answers that are not WS-Man.
    Reply exchange(const Request& request);
    // Sends one request and throws fault_error() for a fault.
    Envelope call(const Request& request);

    // How many requests this client sent (for the performance budget: no needless calls).
    std::size_t request_count() const { return m_requests; }

private:
    Reply interpret(const Request& request, const http::Response& response);

    http::Client& m_http;
    Log& m_log;
    std::uint64_t m_next_message_id = 1;
    std::size_t m_requests = 0;
};

// The instance element (namespace = the class URI) of a Get or Put response body.
const Element& instance_of(const Envelope& envelope, std::string_view resource_uri);

} // namespace amtcfg::wsman
