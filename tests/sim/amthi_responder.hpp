// The firmware side of the AMTHI client: one reply per request, with the layouts of
// reference/amthi.md, strict request checks, and the amthi-* faults.
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "device.hpp"
#include "faults.hpp"

#include <map>
#include <optional>

namespace amtcfg::sim {

class AmthiResponder {
public:
    AmthiResponder(DeviceModel& device, const FaultList& faults)
        : m_device(device), m_faults(faults) {}

    // The reply to one request, or nothing when the firmware stays silent (amthi-timeout).
    std::optional<Bytes> respond(ByteView request);

private:
    DeviceModel& m_device;
    const FaultList& m_faults;
    std::map<std::uint32_t, Bytes> m_first_replies; // amthi-stale: by command, per connection
};

// Reply transformations of the amthi-short and amthi-garble faults (README.md "Faults").
Bytes truncate_reply(Bytes reply);
Bytes garble_reply(Bytes reply);

} // namespace amtcfg::sim
