// amtcfg's entry point: builds the real platform and hands over to the command line.
#include "amtcfg/cli/app.hpp"
#include "amtcfg/flows/linux_os_info.hpp"
#include "amtcfg/http/probe.hpp"
#include "amtcfg/mei/linux_device.hpp"

#include <cstdint>

namespace {

// LMS listens on loopback, where a connect is answered at once; the bound is for other
// --lms-address values.
constexpr int k_tcp_probe_timeout_ms = 1000;

bool tcp_accepts(const std::string& address, int port) {
    if (port <= 0 || port > 65535) {
        return false;
    }
    auto probe =
        amtcfg::http::probe_tcp(address, static_cast<std::uint16_t>(port), k_tcp_probe_timeout_ms);
    return probe.result == amtcfg::http::ProbeResult::accepted;
}

} // namespace

int main(int argc, char** argv) {
    amtcfg::cli::Platform platform;
    platform.open_mei = amtcfg::mei::make_linux_device;
    platform.tcp_accepts = tcp_accepts;
    platform.open_os = [] { return std::make_unique<amtcfg::flows::LinuxOsInfo>(); };
    return amtcfg::cli::run(argc, argv, platform);
}
