// The profile parser's internal pieces: section readers kept in their own files, and validation.
#pragma once

#include "amtcfg/profile/profile.hpp"
#include "xml_reader.hpp"

namespace amtcfg::profile {

Tls parse_tls(XmlReader& xml, pugi::xml_node node);
Issuer parse_issuer(XmlReader& xml, pugi::xml_node node);
// common-name and dns-names of <tls>, checked as the names of a server certificate.
void parse_names(XmlReader& xml, pugi::xml_node node, Tls& tls);
// "a, b,c" -> {"a", "b", "c"}; an empty item stays (callers refuse it with their own message).
std::vector<std::string> split_list(std::string_view text);
std::vector<User> parse_users(XmlReader& xml, pugi::xml_node node);

// Checks that the sections make sense together (ccm vs acm, DHCP vs IP sync, TLS mode vs trusted
// roots, random passwords vs escrow); throws Error(invalid_input) naming the line.
void validate(const Profile& profile, const ParseOptions& options);

} // namespace amtcfg::profile
