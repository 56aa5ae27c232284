// The real OsInfo on Linux: host name, DNS domain and interface addresses of this machine.
#pragma once

#include "amtcfg/flows/environment.hpp"

namespace amtcfg::flows {

// Reads gethostname(), /etc/resolv.conf, getifaddrs() and /proc/net/route. Nothing is read
// until a method is called.
class LinuxOsInfo : public OsInfo {
public:
    std::string hostname() override;
    std::string domain() override;
    std::optional<OsAddress> address_of(const std::array<std::uint8_t, 6>& mac) override;
};

} // namespace amtcfg::flows
