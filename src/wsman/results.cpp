// SOAP faults and their translation table; method ReturnValues and their names.
#include "amtcfg/wsman/envelope.hpp"

#include "amtcfg/util/amt_status.hpp"
#include "amtcfg/wsman/schema.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace amtcfg::wsman {

namespace {

std::string_view local_part(std::string_view qname) {
    auto colon = qname.rfind(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view trim(std::string_view s) {
    constexpr std::string_view k_space = " \t\r\n";
    auto first = s.find_first_not_of(k_space);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(k_space) - first + 1);
}

void flatten_text(const Element& e, std::string& out) {
    auto t = trim(e.text);
    if (!t.empty()) {
        out += out.empty() ? "" : " ";
        out += t;
    }
    for (const auto& c : e.children) {
        flatten_text(c, out);
    }
}

struct FaultRule {
    std::string_view subcode;
    ErrorCategory category;
    std::string_view advice;
};

using C = ErrorCategory;

// DSP0226 subcodes (reference/wsman.md section 5). Faults about the shape of our request are
// amtcfg bugs; faults about the device's state or abilities say what to check.
constexpr std::array<FaultRule, 12> k_fault_rules{{
    {"AccessDenied", C::auth_failed,
     "the account lacks the rights for this call (admin-only classes need the AMT admin user)"},
    {"ActionNotSupported", C::amt_unavailable, "this AMT firmware does not offer the call"},
    {"DestinationUnreachable", C::amt_unavailable,
     "this AMT does not have the feature (for example KVM on a SKU without it)"},
    {"AlreadyExists", C::wrong_state, "the object already exists in AMT"},
    {"InvalidSelectors", C::internal, "amtcfg addressed an instance AMT does not have"},
    {"InvalidParameter", C::config_step_failed, "AMT rejected a value; check the profile"},
    {"SchemaValidationError", C::internal, "amtcfg sent a body AMT's schema rejects"},
    {"InvalidRepresentation", C::internal, "amtcfg sent a body AMT cannot accept"},
    {"InvalidEnumerationContext", C::amt_unavailable,
     "AMT dropped the enumeration; run the command again"},
    {"InternalError", C::amt_unavailable, "AMT failed internally; run the command again"},
    {"EncodingLimit", C::internal, "the request exceeded an AMT encoding limit"},
    {"TimedOut", C::timed_out, "AMT did not finish the operation in time"},
}};

// IPS_HostBasedSetupService has its own enumerations (reference/wsman.md section 5).
constexpr std::array<std::string_view, 7> k_setup_names{
    "Success",        "InternalError", "InvalidState",           "InvalidParam",
    "MethodDisabled", "AuthFailed",    "FlashWriteLimitExceeded"};
constexpr std::array<std::string_view, 7> k_admin_setup_names{
    "Success", "InternalError", "InvalidState",           "InvalidParam",
    "UNKNOWN", "AuthFailed",    "FlashWriteLimitExceeded"};
constexpr std::array<std::string_view, 6> k_add_cert_names{
    "Success",      "InvalidParam",     "InternalError",
    "InvalidState", "CertVerifyFailed", "CertChainLengthExceeded"};

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& names, std::uint32_t code) {
    return code < N ? names[code] : std::string_view("UNKNOWN");
}

} // namespace

std::optional<Fault> find_fault(const Envelope& envelope) {
    const Element* fault = envelope.body.find(ns::soap_envelope, "Fault");
    if (fault == nullptr) {
        return std::nullopt;
    }
    Fault out;
    if (const Element* code = fault->find(ns::soap_envelope, "Code")) {
        if (const Element* value = code->find(ns::soap_envelope, "Value")) {
            out.code = std::string(local_part(trim(value->text)));
        }
        if (const Element* sub = code->find(ns::soap_envelope, "Subcode")) {
            if (const Element* value = sub->find(ns::soap_envelope, "Value")) {
                out.subcode = std::string(local_part(trim(value->text)));
            }
        }
    }
    if (const Element* reason = fault->find(ns::soap_envelope, "Reason")) {
        if (const Element* text = reason->find(ns::soap_envelope, "Text")) {
            out.reason = std::string(trim(text->text));
        }
    }
    if (const Element* detail = fault->find(ns::soap_envelope, "Detail")) {
        flatten_text(*detail, out.detail);
    }
    return out;
}

Error fault_error(const Fault& fault, std::string_view what) {
    ErrorCategory category = fault.code == "Receiver" ? C::amt_unavailable : C::config_step_failed;
    std::string_view advice = "see AMT's reason";
    for (const auto& rule : k_fault_rules) {
        if (rule.subcode == fault.subcode) {
            category = rule.category;
            advice = rule.advice;
        }
    }
    std::string name = fault.subcode.empty() ? fault.code : fault.subcode;
    std::string reason = fault.reason.empty() ? std::string("no reason given") : fault.reason;
    if (!fault.detail.empty()) {
        reason += " (" + fault.detail + ")";
    }
    return Error(category, fmt::format("AMT answered {} with the SOAP fault {}: {}; {}", what,
                                       name.empty() ? "(unnamed)" : name, reason, advice));
}

std::string MethodResult::describe() const {
    return fmt::format("{} ({})", return_value, return_name);
}

MethodResult parse_method_result(const Envelope& envelope, std::string_view resource_uri,
                                 std::string_view method) {
    std::string output_name = std::string(method) + "_OUTPUT";
    const Element* output = envelope.body.find(resource_uri, output_name);
    if (output == nullptr) {
        throw DecodeError(fmt::format("the response has no {} element", output_name));
    }
    const Element* rv = output->find(output->ns, "ReturnValue");
    if (rv == nullptr) {
        throw DecodeError(fmt::format("{} has no ReturnValue", output_name));
    }
    auto text = trim(rv->text);
    MethodResult out;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out.return_value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        throw DecodeError(
            fmt::format("{} ReturnValue '{}' is not a number", output_name, text.substr(0, 32)));
    }
    out.return_name = return_value_name(resource_uri, method, out.return_value);
    out.output = *output;
    return out;
}

std::string_view pt_status_name(std::uint32_t code) {
    return amt_status_name(code);
}

std::string_view return_value_name(std::string_view resource_uri, std::string_view method,
                                   std::uint32_t code) {
    if (class_name_of(resource_uri) == "IPS_HostBasedSetupService") {
        if (method == "Setup") {
            return pick(k_setup_names, code);
        }
        if (method == "AdminSetup" || method == "UpgradeClientToAdmin") {
            return pick(k_admin_setup_names, code);
        }
        if (method == "AddNextCertInChain") {
            return pick(k_add_cert_names, code);
        }
    }
    return pt_status_name(code);
}

} // namespace amtcfg::wsman
