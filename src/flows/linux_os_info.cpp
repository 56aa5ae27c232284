// Host name, domain and IPv4 settings of this Linux machine, for hostname and IP sync.
#include "amtcfg/flows/linux_os_info.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fstream>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sstream>
#include <unistd.h>

namespace amtcfg::flows {

namespace {

std::string full_hostname() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) {
        return {};
    }
    return name.data();
}

// The values of `keyword` lines in /etc/resolv.conf ("nameserver", "domain", "search").
std::vector<std::string> resolv_conf(std::string_view keyword) {
    std::ifstream in("/etc/resolv.conf");
    std::vector<std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (first != keyword) {
            continue;
        }
        for (std::string value; words >> value;) {
            values.push_back(value);
        }
    }
    return values;
}

std::string read_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string ipv4_text(const sockaddr* address) {
    std::array<char, INET_ADDRSTRLEN> text{};
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &in->sin_addr, text.data(), text.size());
    return text.data();
}

// The default gateway of `interface` from /proc/net/route (hex, network byte order).
std::string default_gateway(const std::string& interface) {
    std::ifstream in("/proc/net/route");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name, destination, gateway;
        fields >> name >> destination >> gateway;
        if (name == interface && destination == "00000000") {
            in_addr address{};
            address.s_addr = static_cast<in_addr_t>(std::stoul(gateway, nullptr, 16));
            std::array<char, INET_ADDRSTRLEN> text{};
            ::inet_ntop(AF_INET, &address, text.data(), text.size());
            return text.data();
        }
    }
    return {};
}

} // namespace

std::string LinuxOsInfo::hostname() {
    std::string name = full_hostname();
    return name.substr(0, name.find('.'));
}

std::string LinuxOsInfo::domain() {
    std::string name = full_hostname();
    if (auto dot = name.find('.'); dot != std::string::npos) {
        return name.substr(dot + 1);
    }
    for (std::string_view keyword : {"domain", "search"}) {
        auto values = resolv_conf(keyword);
        if (!values.empty()) {
            return values.front();
        }
    }
    return {};
}

std::optional<OsAddress> LinuxOsInfo::address_of(const std::array<std::uint8_t, 6>& mac) {
    std::string wanted = fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1],
                                     mac[2], mac[3], mac[4], mac[5]);
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return std::nullopt;
    }
    std::optional<OsAddress> found;
    for (ifaddrs* entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) {
            continue;
        }
        std::string name = entry->ifa_name;
        if (read_line("/sys/class/net/" + name + "/address") != wanted) {
            continue;
        }
        OsAddress address;
        address.ip = ipv4_text(entry->ifa_addr);
        if (entry->ifa_netmask != nullptr) {
            address.subnet_mask = ipv4_text(entry->ifa_netmask);
        }
        address.gateway = default_gateway(name);
        auto servers = resolv_conf("nameserver");
        address.primary_dns = servers.size() > 0 ? servers[0] : "";
        address.secondary_dns = servers.size() > 1 ? servers[1] : "";
        found = address;
    }
    ::freeifaddrs(list);
    return found;
}

} // namespace amtcfg::flows
