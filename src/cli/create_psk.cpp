// `amtcfg create-psk`: PID/PPS lists, USB one-touch setup.bin files, and setup.bin inspection.
#include "create_psk.hpp"

#include "amtcfg/flows/psk.hpp"
#include "amtcfg/psk/mebx_password.hpp"
#include "amtcfg/util/file.hpp"
#include "amtcfg/util/secret_input.hpp"

#include <fmt/format.h>

#include <map>

namespace amtcfg::cli {

namespace {

constexpr std::size_t k_max_psk_file_size = 4U * 1024U * 1024U;

struct CreatePskOptions {
    std::size_t count = 0;
    std::string out;
    std::string format = "csv";
    std::string setup_bin;
    std::string setup_version = "4";
    std::string current_password;
    std::string new_password;
    std::string psk_file;
    std::string provisioning_server;
    std::vector<std::string> cert_hashes;
    std::vector<std::string> cert_names;
    bool no_consume = false;
    std::map<std::string, std::string> settings; // option name -> value, for variable_table
    std::string inspect;
    bool show_secrets = false;
    bool force = false;
};

Overwrite overwrite_of(const CreatePskOptions& o) {
    return o.force ? Overwrite::replace : Overwrite::refuse;
}

psk::PskListFormat list_format(const CreatePskOptions& o) {
    auto format = psk::parse_psk_list_format(o.format);
    if (!format) {
        throw Error(ErrorCategory::usage, "--format must be csv or json");
    }
    return *format;
}

int run_list(Session& session, const CreatePskOptions& o) {
    if (o.out.empty() && session.options.json) {
        throw Error(ErrorCategory::usage,
                    "--json prints a result object, not keys: give --out FILE for the PID/PPS "
                    "list");
    }
    flows::PskListRequest request{.count = o.count,
                                  .out_path = o.out,
                                  .format = list_format(o),
                                  .overwrite = overwrite_of(o)};
    auto result = flows::create_psk_list(request, psk::system_random());
    if (result.out_path.empty()) {
        Secret list = psk::render_psk_list(result.pairs, result.format);
        session.output.result(nlohmann::json::object(), list.reveal());
        return 0;
    }
    nlohmann::json pids = nlohmann::json::array();
    for (const auto& pair : result.pairs) {
        pids.push_back(psk::display_pid(pair.pid));
    }
    nlohmann::json object = {{"count", result.pairs.size()},
                             {"out", result.out_path},
                             {"format", o.format},
                             {"pids", pids}};
    session.output.result(object, fmt::format("wrote {} PID/PPS pairs to {} ({}, mode 0600)\n",
                                              result.pairs.size(), result.out_path, o.format));
    return 0;
}

Secret password_from(Session& session, const std::string& text, std::string_view option,
                     std::string_view what) {
    if (text.empty()) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--setup-bin needs {} SOURCE (env:NAME, file:PATH, stdin or "
                                "prompt)",
                                option));
    }
    SecretSource source = parse_secret_source(text);
    // The factory default "admin" is public knowledge; any other literal is a leaked secret.
    if (source.kind == SecretSourceKind::literal &&
        source.literal.reveal() != psk::k_mebx_factory_password) {
        session.log.warning("the {} was given literally on the command line, where other users "
                            "can read it; use env:NAME, file:PATH, stdin or prompt",
                            what);
    }
    Secret secret = read_secret(source, what);
    session.log.add_secret(secret.reveal());
    return secret;
}

void add_settings(const CreatePskOptions& o, flows::SetupBinRequest& request) {
    for (const auto& spec : psk::variable_table()) {
        auto it = o.settings.find(std::string(spec.option));
        if (!spec.option.empty() && it != o.settings.end() && !it->second.empty()) {
            request.settings.push_back(psk::make_setting(spec, it->second, request.version));
        }
    }
    if (o.cert_hashes.size() != o.cert_names.size()) {
        throw Error(ErrorCategory::usage, "give one --cert-hash-name for each --cert-hash");
    }
    if (o.cert_hashes.size() > psk::k_max_cert_hashes) {
        throw Error(ErrorCategory::usage, "a setup.bin record holds at most three --cert-hash");
    }
    for (std::size_t i = 0; i < o.cert_hashes.size(); ++i) {
        request.settings.push_back(
            psk::make_cert_hash(o.cert_hashes[i], o.cert_names[i], request.version));
    }
    if (!o.provisioning_server.empty()) {
        for (auto& entry : psk::make_provisioning_server(o.provisioning_server, request.version)) {
            request.settings.push_back(std::move(entry));
        }
    }
}

int run_setup_bin(Session& session, const CreatePskOptions& o) {
    auto version = psk::parse_setup_bin_version(o.setup_version);
    if (!version) {
        throw Error(ErrorCategory::usage, "--setup-version must be 1, 2, 2.1, 3 or 4");
    }
    flows::SetupBinRequest request;
    request.out_path = o.setup_bin;
    request.version = *version;
    add_settings(o, request); // option errors first: they need no secret
    request.current_password = password_from(session, o.current_password, "--current-mebx-password",
                                             "current MEBx password");
    request.new_password =
        password_from(session, o.new_password, "--new-mebx-password", "new MEBx password");
    request.count = o.count;
    if (!o.psk_file.empty()) {
        Bytes text = read_whole_file(o.psk_file, k_max_psk_file_size, "PID/PPS list");
        request.pairs = psk::parse_psk_list(std::string_view(
            reinterpret_cast<const char*>(text.data()), text.size())); // NOLINT: bytes as text
        std::fill(text.begin(), text.end(), std::uint8_t{0});
    }
    request.psk_out_path = o.out;
    request.psk_format = list_format(o);
    request.use = o.no_consume ? flows::RecordUse::keep : flows::RecordUse::consume;
    request.overwrite = overwrite_of(o);
    return render_setup_bin(session,
                            flows::write_setup_bin(std::move(request), psk::system_random()));
}

void add_setup_options(CLI::App& command, CreatePskOptions& o, CLI::Option* setup_bin) {
    auto needs = [&](CLI::Option* option) { option->needs(setup_bin); };
    needs(command.add_option("--setup-version", o.setup_version,
                             "setup.bin version: 1, 2, 2.1, 3 or 4 (default 4)"));
    needs(command.add_option("--current-mebx-password", o.current_password,
                             "SOURCE of the MEBx password now (factory default: admin)"));
    needs(command.add_option("--new-mebx-password", o.new_password,
                             "SOURCE of the MEBx password to set (AMT's password rules)"));
    // The pairs come from the file: nothing to count, and the list exists already.
    needs(command.add_option("--psk-file", o.psk_file, "one record per PID/PPS pair of FILE")
              ->type_name("FILE")
              ->excludes("--count")
              ->excludes("--out")
              ->excludes("--format"));
    needs(command
              .add_option("--provisioning-server", o.provisioning_server,
                          "provisioning server IPv4 address and port (default 9971)")
              ->type_name("ADDR[:PORT]"));
    needs(command
              .add_option("--cert-hash", o.cert_hashes,
                          "trusted root certificate hash in hex (SHA-1; SHA-256/384 need "
                          "version 3); up to 3")
              ->type_name("HEX"));
    needs(command.add_option("--cert-hash-name", o.cert_names, "name of each --cert-hash")
              ->type_name("NAME"));
    needs(command.add_flag("--no-consume", o.no_consume,
                           "one shared record that every device applies (no PID/PPS)"));
    for (const auto& spec : psk::variable_table()) {
        if (spec.option.empty()) {
            continue;
        }
        std::string choices;
        for (const auto& c : spec.choices) {
            choices += (choices.empty() ? "" : "|") + std::string(c.name);
        }
        std::string help =
            fmt::format("{} (variable {}.{}, version {}+)", spec.title, spec.var.module,
                        spec.var.id, psk::version_info(spec.since).name);
        auto* option = command.add_option(std::string(spec.option),
                                          o.settings[std::string(spec.option)], help);
        option->type_name(choices.empty() ? "VALUE" : choices);
        needs(option);
    }
}

} // namespace

Runner add_create_psk(CLI::App& command) {
    auto o = std::make_shared<CreatePskOptions>();
    auto* count =
        command.add_option("--count", o->count, "how many PID/PPS pairs to make (1-10000)")
            ->type_name("N");
    auto* out =
        command
            .add_option("--out", o->out, "write the PID/PPS list to FILE (0600); default stdout")
            ->type_name("FILE");
    auto* format =
        command.add_option("--format", o->format, "PID/PPS list format: csv (default) or json")
            ->check(CLI::IsMember({"csv", "json"}));
    auto* setup_bin = command
                          .add_option("--setup-bin", o->setup_bin,
                                      "write a USB one-touch setup.bin to FILE (0600)")
                          ->type_name("FILE");
    add_setup_options(command, *o, setup_bin);
    auto* force = command.add_flag("--force", o->force,
                                   "replace an existing --out or --setup-bin FILE (refused "
                                   "otherwise)");
    auto* inspect = command
                        .add_option("--inspect", o->inspect,
                                    "decode and check a setup.bin (exit 3 when it is bad)")
                        ->type_name("FILE")
                        ->excludes(setup_bin)
                        ->excludes(count)
                        ->excludes(out)
                        ->excludes(format)
                        ->excludes(force);
    command
        .add_flag("--show-secrets", o->show_secrets,
                  "--inspect shows MEBx passwords and PPS values")
        ->needs(inspect);
    return [o](Session& session) {
        if (!o->inspect.empty()) {
            auto display = o->show_secrets ? psk::SecretDisplay::show : psk::SecretDisplay::hide;
            return render_inspection(session, flows::inspect_setup_bin(o->inspect), display);
        }
        if (!o->setup_bin.empty()) {
            return run_setup_bin(session, *o);
        }
        if (o->count == 0) {
            throw Error(ErrorCategory::usage, "create-psk needs --count N, --setup-bin FILE or "
                                              "--inspect FILE (see amtcfg create-psk --help)");
        }
        return run_list(session, *o);
    };
}

} // namespace amtcfg::cli
