// Flows of `create-psk --setup-bin` (write a USB one-touch file) and `--inspect` (decode one).
#pragma once

#include "amtcfg/psk/pid_pps.hpp"
#include "amtcfg/psk/psk_list.hpp"
#include "amtcfg/psk/setupbin.hpp"
#include "amtcfg/util/file.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace amtcfg::flows {

enum class RecordUse { consume, keep };

struct SetupBinRequest {
    std::string out_path;
    psk::SetupBinVersion version = psk::SetupBinVersion::v4_0;
    Secret current_password;
    Secret new_password;
    std::size_t count = 0;           // generate this many PID/PPS pairs, one record each
    std::vector<psk::PskPair> pairs; // or use these (from --psk-file)
    std::string psk_out_path;        // where generated pairs go (required with count)
    psk::PskListFormat psk_format = psk::PskListFormat::csv;
    std::vector<psk::Entry> settings; // the same in every record
    RecordUse use = RecordUse::consume;
    Overwrite overwrite = Overwrite::refuse; // for both files; replace: --force
};

struct SetupBinResult {
    std::string path;
    psk::SetupBinVersion version = psk::SetupBinVersion::v4_0;
    std::size_t records = 0;
    std::size_t bytes = 0;
    RecordUse use = RecordUse::consume;
    bool scrambled = false;
    std::vector<std::string> pids; // display form; PIDs are public
    std::string psk_out_path;
    std::vector<psk::VarId> settings; // which variables every record sets, besides PSK/passwords
    std::vector<std::string> warnings;
};

// Checks the passwords against the MEBx rules and the request against the version before
// anything is written; writes the PID/PPS list (when pairs are generated) and then the
// setup.bin, both 0600 through a temporary file and a rename. Throws Error(usage) with the
// reason for anything the chosen version or the rules do not allow, and (before writing either)
// when one of the files exists and the request does not allow replacing it.
SetupBinResult write_setup_bin(SetupBinRequest request, const psk::RandomBytes& random);

struct SetupBinInspection {
    std::string path;
    psk::DecodedSetupBin file;
};

// Reads and decodes a setup.bin; its problems are in file.problems (the caller decides the
// exit status). Throws Error(invalid_input) when the file cannot be read.
SetupBinInspection inspect_setup_bin(const std::string& path);

} // namespace amtcfg::flows
