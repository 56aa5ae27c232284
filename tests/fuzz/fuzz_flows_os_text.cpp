// Fuzz target: the /etc/resolv.conf and /proc/net/route readers take any text without throwing,
// and give only words (resolv.conf) or a dotted IPv4 address (the default gateway).
#include "amtcfg/flows/linux_os_info.hpp"

#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <sstream>

namespace {

// The first word of the second line: an interface the route reader can match, when there is one.
std::string second_line_word(const std::string& text) {
    std::istringstream in(text);
    std::string line, word;
    std::getline(in, line);
    std::getline(in, line);
    std::istringstream(line) >> word;
    return word;
}

void check_gateway(const std::string& gateway) {
    in_addr parsed{};
    if (!gateway.empty() && ::inet_pton(AF_INET, gateway.c_str(), &parsed) != 1) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace amtcfg::flows;
    std::string text(reinterpret_cast<const char*>(data), size);
    for (const char* keyword : {"nameserver", "domain", "search"}) {
        for (const auto& value : resolv_conf_values(text, keyword)) {
            if (value.empty() || value.find_first_of(" \t\n") != std::string::npos) {
                __builtin_trap();
            }
        }
    }
    check_gateway(route_default_gateway(text, "eth0"));
    check_gateway(route_default_gateway(text, second_line_word(text)));
    return 0;
}
