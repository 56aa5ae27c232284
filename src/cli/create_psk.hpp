// Shared between the create-psk command's files: rendering of an inspected setup.bin.
#pragma once

#include "session.hpp"

#include "amtcfg/flows/setupbin.hpp"
#include "amtcfg/psk/setupbin_values.hpp"

namespace amtcfg::cli {

// Prints the decoded file (text or the --json object) and returns the exit status: 0 for a
// file the firmware will take, 3 when it has problems.
int render_inspection(Session& session, const flows::SetupBinInspection& inspection,
                      psk::SecretDisplay display);

// The result of writing a setup.bin, as text and JSON.
int render_setup_bin(Session& session, const flows::SetupBinResult& result);

} // namespace amtcfg::cli
