// WS-Management protocol constants: namespaces, action URIs and class URIs (reference/wsman.md).
#pragma once

#include <string>
#include <string_view>

namespace amtcfg::wsman {

// Namespaces, with the names of reference/wsman.md section 3.
namespace ns {
inline constexpr std::string_view soap_envelope = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
inline constexpr std::string_view wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
inline constexpr std::string_view transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
inline constexpr std::string_view enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
inline constexpr std::string_view eventing = "http://schemas.xmlsoap.org/ws/2004/08/eventing";
inline constexpr std::string_view trust = "http://schemas.xmlsoap.org/ws/2005/02/trust";
inline constexpr std::string_view wss_secext =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr std::string_view cim_binding =
    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd";
inline constexpr std::string_view xsi = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view xsd = "http://www.w3.org/2001/XMLSchema";
inline constexpr std::string_view amt_schema = "http://intel.com/wbem/wscim/1/amt-schema/1/";
inline constexpr std::string_view ips_schema = "http://intel.com/wbem/wscim/1/ips-schema/1/";
inline constexpr std::string_view cim_schema = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
} // namespace ns

// Action URIs (reference/wsman.md section 4). Methods use "{class URI}/{Method}".
namespace action {
inline constexpr std::string_view get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
inline constexpr std::string_view put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
inline constexpr std::string_view create = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create";
inline constexpr std::string_view delete_ = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete";
inline constexpr std::string_view enumerate =
    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate";
inline constexpr std::string_view pull = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull";
} // namespace action

// ReplyTo address and the anonymous role of endpoint references.
inline constexpr std::string_view k_anonymous =
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
inline constexpr std::string_view k_to = "/wsman";
inline constexpr std::string_view k_operation_timeout = "PT60S";
// Pull limits sent by Open AMT (reference/wsman.md section 4).
inline constexpr std::string_view k_pull_max_elements = "999";
inline constexpr std::string_view k_pull_max_characters = "99999";

// The resource URI of a class: AMT_* and IPS_* live under Intel's schemas, CIM_* under DMTF's.
std::string class_uri(std::string_view class_name);
// The class name at the end of a resource URI ("AMT_GeneralSettings"), for messages.
std::string_view class_name_of(std::string_view resource_uri);

} // namespace amtcfg::wsman
