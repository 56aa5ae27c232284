// The real OsInfo on Linux: host name, DNS domain and interface addresses of this machine.
#pragma once

#include "amtcfg/flows/environment.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::flows {

// Reads gethostname(), /etc/resolv.conf, getifaddrs() and /proc/net/route. Nothing is read
// until a method is called.
class LinuxOsInfo : public OsInfo {
public:
    std::string hostname() override;
    std::string domain() override;
    std::optional<OsAddress> address_of(const std::array<std::uint8_t, 6>& mac) override;
};

// The words after `keyword` ("nameserver", "domain", "search") on every line of resolv.conf
// `text` that starts with it, in file order. Pure, for tests and fuzzing.
std::vector<std::string> resolv_conf_values(std::string_view text, std::string_view keyword);

// The dotted default gateway of `interface` in /proc/net/route `text` (a header line, then
// "Iface Destination Gateway ..." with addresses as 8 hex digits in network byte order), or ""
// when there is none. Lines that are not well formed are skipped. Pure, for tests and fuzzing.
std::string route_default_gateway(std::string_view text, std::string_view interface);

} // namespace amtcfg::flows
