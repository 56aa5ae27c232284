// The command-line front end: parses argv, runs one command, renders its result, exits.
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/flows/info.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/hardening.hpp"

#include <functional>
#include <memory>
#include <string>

namespace amtcfg::cli {

// The real world, as built by main.cpp; tests build fakes. Nothing here is opened until a
// command needs it.
struct Platform {
    // Opens the MEI device: `path` is --device, or empty to discover the first node that opens.
    std::function<std::unique_ptr<mei::Device>(const std::string& path)> open_mei;
    // The host's own name and addresses, for hostname and IP synchronisation.
    std::function<std::unique_ptr<flows::OsInfo>()> open_os;
    // Whether LMS at address:port may be used: owned by root, and it answers (http::check_lms).
    flows::LmsProbe check_lms;
    // What main() did to harden the process before anything else (logged at -vv).
    Hardening hardening;
};

// Runs amtcfg with argv and returns the process exit status (DESIGN.md section 1). Every
// amtcfg::Error is caught here and only here.
int run(int argc, const char* const* argv, Platform& platform);

} // namespace amtcfg::cli
