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
    // `tls_dir`: make-sim-tls.sh's files (AMTCFG_SIM_TLS_DIR), whose leaf hash
    // StartConfigurationHBased returns; "" when the simulator has none.
    AmthiResponder(DeviceModel& device, const FaultList& faults, std::string tls_dir = {})
        : m_device(device), m_faults(faults), m_tls_dir(std::move(tls_dir)) {}

    // The reply to one request, or nothing when the firmware stays silent (amthi-timeout).
    std::optional<Bytes> respond(ByteView request);

private:
    // The status and the payload after it.
    std::pair<std::uint32_t, Bytes> start_configuration_hbased(ByteReader& in,
                                                               std::uint32_t length);

    DeviceModel& m_device;
    const FaultList& m_faults;
    std::string m_tls_dir;
    std::map<std::uint32_t, Bytes> m_first_replies; // amthi-stale: by command, per connection
};

// Reply transformations of the amthi-short and amthi-garble faults (README.md "Faults").
Bytes truncate_reply(Bytes reply);
Bytes garble_reply(Bytes reply);

} // namespace amtcfg::sim
