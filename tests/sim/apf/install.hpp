// Plugs the WS-Man service into the simulator: the LME client speaks APF through it and, with
// --lms, a loopback LMS listener serves it (DESIGN.md section 3).
#pragma once

#include "simulator.hpp"

#include <cstdint>
#include <optional>

namespace amtcfg::sim {

// Registers the LME endpoint (replacing the silent one); starts the LMS listener on
// 127.0.0.1:`lms_port` (0 = any free port) when one is given and the configuration asks for
// LMS; adds the WS-Man, APF and LMS counters to the simulator's stats when it finishes.
// Returns the port the listener got, or 0.
std::uint16_t install_wsman(Simulator& simulator, std::optional<std::uint16_t> lms_port);

} // namespace amtcfg::sim
