// amtcfg's entry point: builds the real platform and hands over to the command line.
#include "amtcfg/cli/app.hpp"
#include "amtcfg/flows/linux_os_info.hpp"
#include "amtcfg/mei/linux_device.hpp"
#include "amtcfg/util/tcp_probe.hpp"

namespace {

// LMS listens on loopback, where a connect is answered at once; the bound is for other
// --lms-address values.
constexpr int k_tcp_probe_timeout_ms = 1000;

} // namespace

int main(int argc, char** argv) {
    amtcfg::cli::Platform platform;
    platform.open_mei = amtcfg::mei::make_linux_device;
    platform.tcp_accepts = [](const std::string& address, int port) {
        return amtcfg::tcp_accepts(address, port, k_tcp_probe_timeout_ms);
    };
    platform.open_os = [] { return std::make_unique<amtcfg::flows::LinuxOsInfo>(); };
    return amtcfg::cli::run(argc, argv, platform);
}
