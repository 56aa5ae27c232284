// Reading typed values out of class instances, with errors that name the property.
#pragma once

#include "amtcfg/wsman/client.hpp"
#include "amtcfg/wsman/xml.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman::detail {

// "true"/"1" are true, "false"/"0"/absent are false; anything else is an amt_unavailable Error.
bool bool_property(const Element& instance, std::string_view name);
// An absent property reads as 0; text that is not a decimal u32 is an amt_unavailable Error.
std::uint32_t u32_property(const Element& instance, std::string_view name);
// A repeated property (CIM array) as numbers, in document order.
std::vector<std::uint32_t> u32_list(const Element& instance, std::string_view name);

std::string bool_text(bool value);

// Calls a method whose arguments may hold a secret; the argument strings are wiped afterwards.
MethodResult invoke_secret(Client& client, std::string_view class_name, std::string_view method,
                           std::vector<std::pair<std::string, std::string>> arguments);

// The instance element of a Get or Put answer, copied out.
Element instance(const Envelope& envelope, std::string_view class_name);

} // namespace amtcfg::wsman::detail
