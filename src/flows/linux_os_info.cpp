// Host name, domain and IPv4 settings of this Linux machine, for hostname and IP sync.
#include "amtcfg/flows/linux_os_info.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <charconv>
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

std::string read_file_text(const char* path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
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

// Exactly eight hex digits, as /proc/net/route prints an address; anything else is not one.
std::optional<std::uint32_t> route_address(std::string_view hex) {
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (hex.size() != 8 || ec != std::errc() || end != hex.data() + hex.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::vector<std::string> resolv_conf_values(std::string_view text, std::string_view keyword) {
    std::istringstream in{std::string(text)};
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

std::string route_default_gateway(std::string_view text, std::string_view interface) {
    std::istringstream in{std::string(text)};
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name, destination, gateway;
        fields >> name >> destination >> gateway;
        auto gateway_address = route_address(gateway);
        if (name != interface || route_address(destination) != 0U || !gateway_address) {
            continue;
        }
        in_addr address{};
        address.s_addr = *gateway_address; // already in network byte order, as the kernel wrote it
        std::array<char, INET_ADDRSTRLEN> dotted{};
        ::inet_ntop(AF_INET, &address, dotted.data(), dotted.size());
        return dotted.data();
    }
    return {};
}

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
        auto values = resolv_conf_values(read_file_text("/etc/resolv.conf"), keyword);
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
        address.gateway = route_default_gateway(read_file_text("/proc/net/route"), name);
        auto servers = resolv_conf_values(read_file_text("/etc/resolv.conf"), "nameserver");
        address.primary_dns = servers.size() > 0 ? servers[0] : "";
        address.secondary_dns = servers.size() > 1 ? servers[1] : "";
        found = address;
    }
    ::freeifaddrs(list);
    return found;
}

} // namespace amtcfg::flows
