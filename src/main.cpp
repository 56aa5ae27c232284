// amtcfg's entry point: builds the real platform and hands over to the command line.
#include "amtcfg/cli/app.hpp"
#include "amtcfg/flows/linux_os_info.hpp"
#include "amtcfg/http/lms_trust.hpp"
#include "amtcfg/mei/linux_device.hpp"
#include "amtcfg/util/hardening.hpp"

#include <cstdint>

namespace {

// LMS listens on loopback, where a connect is answered at once.
constexpr int k_tcp_probe_timeout_ms = 1000;

amtcfg::http::LmsCheck check_lms(const amtcfg::http::LoopbackAddress& address, std::uint16_t port) {
    return amtcfg::http::check_lms(address, port, k_tcp_probe_timeout_ms);
}

} // namespace

int main(int argc, char** argv) {
    // Before any secret is read: no core dump or swap page may ever hold one.
    amtcfg::Hardening hardening = amtcfg::harden_process();
    amtcfg::cli::Platform platform;
    platform.hardening = hardening;
    platform.open_mei = amtcfg::mei::make_linux_device;
    platform.check_lms = check_lms;
    platform.open_os = [] { return std::make_unique<amtcfg::flows::LinuxOsInfo>(); };
    return amtcfg::cli::run(argc, argv, platform);
}
