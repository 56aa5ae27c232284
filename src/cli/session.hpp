// What every command runs with: the global options, the log, the output and the platform.
#pragma once

#include "amtcfg/cli/app.hpp"
#include "amtcfg/flows/amt_link.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace amtcfg::cli {

struct GlobalOptions {
    bool json = false;
    int verbose = 0;
    bool quiet = false;
    std::string log_file;
    std::string device;
    std::string transport = "auto";
    std::string lms_address = "127.0.0.1";
    int lms_port = 0; // 0: the default (16992, or 16993 when TLS is enforced)
    std::string timeout;
    std::string amt_ondie_root; // replaces Intel's On-Die CA root (labs, tests)
    std::string amt_ca;         // trust anchors for a provisioned AMT's certificate
    bool amt_insecure = false;  // accept AMT's certificate unverified
};

// The --transport, --lms-address and --lms-port options as the flows take them (AmtLink).
// Throws Error(usage) for an --lms-address that is not loopback.
flows::TransportOptions transport_options(const GlobalOptions& options);
http::LoopbackAddress lms_address(const GlobalOptions& options);

// Prints a command's result: with --json exactly one JSON object on stdout and human text on
// stderr; otherwise the human text on stdout.
class Output {
public:
    explicit Output(const GlobalOptions& options) : m_options(options) {}
    void result(const nlohmann::json& object, const std::string& text);
    void error(const Error& failure);
    // Only the error's JSON object on stdout (the message went to stderr already).
    void error_object(const Error& failure);
    // Progress and notes for a person; stderr, suppressed by --quiet.
    void progress(const std::string& text);

private:
    const GlobalOptions& m_options;
};

struct Session {
    GlobalOptions options;
    Platform& platform;
    Log log;
    Output output{options};
    Deadline deadline;
};

// A command adds its options to its CLI11 subcommand and returns the function that runs it.
using Runner = std::function<int(Session&)>;

// Warns that a secret given literally on the command line can be read by other users.
void warn_if_literal(Session& session, const SecretSource& source, std::string_view option);

Runner add_info(CLI::App& command);
Runner add_configure(CLI::App& command);
Runner add_unconfigure(CLI::App& command);
Runner add_maintain(CLI::App& command);
Runner add_create_psk(CLI::App& command);
Runner add_version(CLI::App& command);

} // namespace amtcfg::cli
