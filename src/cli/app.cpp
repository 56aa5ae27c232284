// Argument parsing, global options, the command table and the one place errors are caught.
#include "session.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

namespace amtcfg::cli {

namespace {

struct CommandSpec {
    const char* name;
    const char* summary;
    Runner (*add)(CLI::App& command);
};

// The commands of DESIGN.md section 1, in the order --help lists them.
constexpr std::array k_commands{
    CommandSpec{"info", "what this AMT is and how it is configured", add_info},
    CommandSpec{"configure", "activate (CCM or ACM) and converge AMT to a profile", add_configure},
    CommandSpec{"maintain",
                "keep a configured AMT healthy: clock, hostname, IP, password; quiet when "
                "nothing is due",
                add_maintain},
    CommandSpec{"unconfigure", "return AMT to the unconfigured (pre-provisioning) state",
                add_unconfigure},
    CommandSpec{"create-psk",
                "make PID/PPS pre-shared keys and USB one-touch setup.bin files; inspect "
                "setup.bin files",
                add_create_psk},
    CommandSpec{"version", "print amtcfg's own version (works without MEI and without root)",
                add_version},
};

void add_global_options(CLI::App& app, GlobalOptions& o) {
    app.add_flag("--json", o.json, "print exactly one JSON object on stdout; text goes to stderr");
    app.add_flag("-v,--verbose", o.verbose, "more log output (repeat for more: -vvv traces)");
    app.add_flag("-q,--quiet", o.quiet, "only errors on stderr");
    app.add_option("--log-file", o.log_file, "also append a timestamped log to PATH")
        ->type_name("PATH");
    app.add_option("--device", o.device,
                   "MEI device node (default: first of /dev/mei0, /dev/mei1, ..., /dev/mei)")
        ->type_name("PATH");
    app.add_option("--transport", o.transport, "how WS-Man reaches AMT: auto, lms or lme")
        ->check(CLI::IsMember({"auto", "lms", "lme"}));
    app.add_option("--lms-address", o.lms_address,
                   "where LMS listens: a loopback address (default 127.0.0.1; 127.x.y.z, ::1)")
        ->type_name("ADDR");
    app.add_option("--lms-port", o.lms_port, "LMS port (default 16992, 16993 when TLS is enforced)")
        ->envname("AMTCFG_LMS_PORT")
        ->check(CLI::Range(1, 65535));
    app.add_option("--timeout", o.timeout, "overall time limit, e.g. 90s or 5m")
        ->type_name("DURATION");
    app.add_option("--amt-ca", o.amt_ca,
                   "verify a provisioned AMT's TLS certificate (AMT 19+) against the CA "
                   "certificates in FILE (PEM or DER)")
        ->type_name("FILE");
    app.add_flag("--amt-insecure", o.amt_insecure,
                 "accept AMT's TLS certificate when it cannot be verified (warned about)");
    app.add_option("--amt-ondie-root", o.amt_ondie_root,
                   "verify AMT's On-Die CA chain to the root in FILE instead of Intel's (labs and "
                   "tests only; warned about)")
        ->type_name("FILE");
}

void set_up_logging(Session& session, StreamSink& stderr_sink, std::optional<FileSink>& file_sink) {
    const auto& o = session.options;
    auto level = LogLevel::warning;
    if (o.quiet) {
        level = LogLevel::error;
    } else if (o.verbose > 0) {
        level = static_cast<LogLevel>(std::min(static_cast<int>(LogLevel::warning) + o.verbose,
                                               static_cast<int>(LogLevel::trace)));
    }
    session.log.add_sink(stderr_sink, level);
    if (!o.log_file.empty()) {
        file_sink.emplace(o.log_file, utc_timestamp);
        session.log.add_sink(*file_sink, std::max(level, LogLevel::info));
    }
}

// The one report of a failure: redacted (AMT or a parser may echo a secret back), with control
// characters defused (the text may come from outside), on stderr or as JSON, and in the log
// file at error level.
void report_failure(Session& session, std::optional<FileSink>& file_sink, const Error& failure) {
    std::string message = strip_controls(session.log.redact(failure.what()));
    if (file_sink) {
        file_sink->write(LogLevel::error, message);
    }
    session.output.error(Error(failure.category(), message));
}

} // namespace

int run(int argc, const char* const* argv, Platform& platform) {
    Session session{.options = {}, .platform = platform, .log = {}, .deadline = {}};
    CLI::App app{"amtcfg: configure Intel AMT through the Management Engine", "amtcfg"};
    app.fallthrough();
    app.require_subcommand(1);
    add_global_options(app, session.options);

    std::vector<std::pair<CLI::App*, Runner>> runners;
    for (const auto& spec : k_commands) {
        CLI::App* command = app.add_subcommand(spec.name, spec.summary);
        runners.emplace_back(command, spec.add(*command));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int status = app.exit(e); // help and version text, or the message on stderr
        if (status == 0) {
            return 0;
        }
        // --json promises one JSON object on stdout, also for a command line CLI11 refused.
        if (std::any_of(argv + 1, argv + argc,
                        [](const char* arg) { return std::string_view(arg) == "--json"; })) {
            session.output.error_object(Error(ErrorCategory::usage, e.what()));
        }
        return exit_code(ErrorCategory::usage);
    }

    StreamSink stderr_sink(stderr);
    std::optional<FileSink> file_sink;
    try {
        set_up_logging(session, stderr_sink, file_sink);
        session.log.debug("{}", describe(platform.hardening));
        transport_options(session.options); // a bad --lms-address is exit 2 for every command
        if (!session.options.timeout.empty()) {
            session.deadline = Deadline(parse_duration(session.options.timeout));
        }
        for (auto& [command, runner] : runners) {
            if (command->parsed()) {
                session.log.debug("running amtcfg {}", command->get_name());
                return runner(session);
            }
        }
        throw Error(ErrorCategory::usage, "no command given (see amtcfg --help)");
    } catch (const Error& e) {
        session.log.debug("exit {}: {}", exit_code(e.category()), category_name(e.category()));
        report_failure(session, file_sink, e);
        return exit_code(e.category());
    } catch (const std::exception& e) {
        report_failure(
            session, file_sink,
            Error(ErrorCategory::internal, fmt::format("internal error (a bug): {}", e.what())));
        return exit_code(ErrorCategory::internal);
    }
}

} // namespace amtcfg::cli
