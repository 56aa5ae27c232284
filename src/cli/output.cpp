// Rendering of results and errors as text or as the one JSON object of --json.
#include "session.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace amtcfg::cli {

void Output::result(const nlohmann::json& object, const std::string& text) {
    // The text may quote AMT (host names, suffixes) or be a PID/PPS list: defused, and the copy
    // wiped after printing.
    std::string safe = strip_controls(text);
    if (m_options.json) {
        fmt::print(stdout, "{}\n", object.dump(2));
        if (!safe.empty() && !m_options.quiet) {
            fmt::print(stderr, "{}", safe);
        }
    } else {
        fmt::print(stdout, "{}", safe);
    }
    std::fflush(stdout);
    wipe_string(safe);
}

void Output::error(const Error& failure) {
    fmt::print(stderr, "amtcfg: error: {}\n", failure.what());
    if (m_options.json) {
        error_object(failure);
    }
}

void Output::error_object(const Error& failure) {
    nlohmann::json object = {{"error",
                              {{"exit_code", exit_code(failure.category())},
                               {"category", category_name(failure.category())},
                               {"message", failure.what()}}}};
    fmt::print(stdout, "{}\n", object.dump(2));
}

void warn_if_literal(Session& session, const SecretSource& source, std::string_view option) {
    if (source.kind == SecretSourceKind::literal) {
        session.log.warning("{} was given a literal secret, which other users can read in the "
                            "process list; prefer env:NAME, file:PATH, stdin or prompt",
                            option);
    }
}

void Output::progress(const std::string& text) {
    if (!m_options.quiet) {
        fmt::print(stderr, "{}\n", strip_controls(text));
    }
}

} // namespace amtcfg::cli
