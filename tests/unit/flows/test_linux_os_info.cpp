// The /etc/resolv.conf and /proc/net/route readers behind IP and hostname sync, over fixed text.
#include "amtcfg/flows/linux_os_info.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::flows;
using Values = std::vector<std::string>;

TEST_CASE("resolv.conf: the words after a keyword, in file order", "[unit]") {
    std::string text = "# generated\n"
                       "nameserver 10.0.0.53\n"
                       "search corp.example lab.example\n"
                       "nameserver   10.0.0.54  \n"
                       ";nameserver 10.9.9.9\n"
                       "domain corp.example\n"
                       "nameservers 1.1.1.1\n";
    CHECK(resolv_conf_values(text, "nameserver") == Values{"10.0.0.53", "10.0.0.54"});
    CHECK(resolv_conf_values(text, "search") == Values{"corp.example", "lab.example"});
    CHECK(resolv_conf_values(text, "domain") == Values{"corp.example"});
    CHECK(resolv_conf_values("", "nameserver").empty());
    CHECK(resolv_conf_values("nameserver", "nameserver").empty());
}

namespace {
const std::string k_route_header =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
}

TEST_CASE("/proc/net/route: the default gateway of one interface", "[unit]") {
    std::string text = k_route_header +
                       "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                       "eth1\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                       "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
    CHECK(route_default_gateway(text, "eth0") == "192.168.0.1");
    CHECK(route_default_gateway(text, "eth1") == "10.0.0.1");
    CHECK(route_default_gateway(text, "eth2").empty());
    // The header line is never a route, even when it looks like one.
    CHECK(route_default_gateway("eth0 00000000 0100A8C0\n", "eth0").empty());
}

TEST_CASE("/proc/net/route: lines that are not well formed are skipped, never thrown on",
          "[unit]") {
    // These threw std::invalid_argument / std::out_of_range from std::stoul before.
    for (const char* gateway :
         {"", "zzzzzzzz", "0100A8C0FF", "FFFFFFFFFFFFFFFFFFFF", "-1", "0x00A8C0", "100A8C0", " "}) {
        std::string text = k_route_header + "eth0\t00000000\t" + gateway + "\t0003\n";
        CHECK(route_default_gateway(text, "eth0").empty());
    }
    std::string text = k_route_header + "eth0\t00000000\tnonsense\n" +
                       "eth0\t000000000\t0100A8C0\n" + "eth0\t00000000\t0200A8C0\n";
    CHECK(route_default_gateway(text, "eth0") == "192.168.0.2");
}
