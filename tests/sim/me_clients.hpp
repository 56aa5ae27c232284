// The MKHI and watchdog ("Manageability") clients' firmware side (mei-heci.md sections 5, 6).
#pragma once

#include "amtcfg/util/bytes.hpp"
#include "device.hpp"

#include <optional>

namespace amtcfg::sim {

// MKHI GET_FW_VERSION and its error results.
Bytes mkhi_respond(const DeviceState& device, ByteView request);

// IsChangeToAMTEnabled and SetAmtOperationalState; nothing when the firmware stays silent
// (AMT <= 11, or a request the client does not understand).
std::optional<Bytes> watchdog_respond(DeviceModel& device, ByteView request);

// The IsChangeToAMTEnabled flag byte of a device.
std::uint8_t change_enabled_flags(const DeviceState& device);

} // namespace amtcfg::sim
