// The profile parser's internal pieces: section readers kept in their own files, and validation.
#pragma once

#include "amtcfg/profile/profile.hpp"
#include "xml_reader.hpp"

namespace amtcfg::profile {

Tls parse_tls(XmlReader& xml, pugi::xml_node node);
std::vector<User> parse_users(XmlReader& xml, pugi::xml_node node);

// Checks that the sections make sense together (ccm vs acm, DHCP vs IP sync, TLS mode vs trusted
// roots, random passwords vs escrow); throws Error(invalid_input) naming the line.
void validate(const Profile& profile, const ParseOptions& options);

} // namespace amtcfg::profile
