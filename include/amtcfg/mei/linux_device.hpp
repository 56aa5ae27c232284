// LinuxDevice: the mei::Device of a /dev/meiN character node, over plain system calls.
#pragma once

#include "amtcfg/mei/transport.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace amtcfg::mei {

// The nodes tried when --device is not given, in order: /dev/mei0 ... /dev/mei15, /dev/mei.
std::vector<std::string> default_device_paths();

// How long to wait before connect attempt `attempt` (1-based) after EBUSY; an empty optional
// means give up. The bounded backoff is the only wait amtcfg allows itself: another program
// (LMS, a previous amtcfg still closing) may release the client a moment later.
using BusyWait = std::function<void(std::chrono::milliseconds)>;
inline constexpr int k_busy_attempts = 6;
std::chrono::milliseconds busy_backoff(int attempt);

// Calls `attempt` until it succeeds or throws something other than Error(device_busy), waiting
// busy_backoff() between tries with `wait`; after k_busy_attempts the last busy error escapes.
void retry_while_busy(const std::function<void()>& attempt, const BusyWait& wait);

// A Linux MEI device. Construction does no I/O. The first connect() finds the node: the given
// one, or the first candidate that opens; later connects reuse that node.
class LinuxDevice : public Device {
public:
    explicit LinuxDevice(std::vector<std::string> candidates);
    LinuxDevice(std::vector<std::string> candidates, BusyWait wait);

    std::unique_ptr<Transport> connect(const ClientGuid& client) override;
    std::unique_ptr<Transport> connect_once(const ClientGuid& client) override;
    std::string_view path() const override;

private:
    int open_node();

    std::vector<std::string> m_candidates;
    std::string m_path; // chosen node; empty until the first successful open
    BusyWait m_wait;
};

// The device for --device PATH, or for discovery when `path` is empty.
std::unique_ptr<Device> make_linux_device(const std::string& path);

} // namespace amtcfg::mei
