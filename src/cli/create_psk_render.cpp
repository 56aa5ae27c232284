// Text and JSON rendering of `create-psk --inspect` and `--setup-bin` results.
#include "create_psk.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

namespace {

std::string version_name(const psk::DecodedSetupBin& f) {
    return f.version ? std::string(psk::version_info(*f.version).name) + " (" +
                           std::to_string(f.major) + "." + std::to_string(f.minor) + ")"
                     : fmt::format("unknown ({}.{})", f.major, f.minor);
}

nlohmann::json entry_json(const psk::Entry& entry, psk::SecretDisplay display) {
    const psk::VariableSpec* spec = psk::find_variable(entry.var);
    bool hidden = spec != nullptr && spec->sensitivity == psk::Sensitivity::secret &&
                  display == psk::SecretDisplay::hide;
    return {{"module", entry.var.module},
            {"variable", entry.var.id},
            {"key", spec != nullptr ? std::string(spec->key) : "unknown"},
            {"name", spec != nullptr ? std::string(spec->title) : "unknown variable"},
            {"length", entry.value.size()},
            {"hidden", hidden},
            {"value",
             hidden ? nlohmann::json(nullptr) : nlohmann::json(psk::show_value(entry, display))}};
}

nlohmann::json inspection_json(const flows::SetupBinInspection& in, psk::SecretDisplay display) {
    const auto& f = in.file;
    nlohmann::json records = nlohmann::json::array();
    for (const auto& rec : f.records) {
        nlohmann::json entries = nlohmann::json::array();
        for (const auto& entry : rec.entries) {
            entries.push_back(entry_json(entry, display));
        }
        records.push_back({{"number", rec.number},
                           {"position", rec.position},
                           {"type", rec.type},
                           {"valid", (rec.flags & psk::k_record_flag_valid) != 0},
                           {"scrambled", (rec.flags & psk::k_record_flag_scrambled) != 0},
                           {"consumed", rec.consumed},
                           {"entries", entries}});
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : f.problems) {
        problems.push_back({{"where", p.where}, {"problem", p.what}});
    }
    return {{"path", in.path},
            {"size", f.file_size},
            {"valid", f.problems.empty()},
            {"header",
             {{"uuid", f.uuid},
              {"version", f.version ? nlohmann::json(psk::version_info(*f.version).name)
                                    : nlohmann::json(nullptr)},
              {"major", f.major},
              {"minor", f.minor},
              {"record_chunk_count", f.record_chunk_count},
              {"header_bytes", f.header_bytes},
              {"file_flags", f.file_flags},
              {"records_consumed_on_use", (f.file_flags & psk::k_file_flag_no_consume) == 0},
              {"data_record_count", f.record_count},
              {"data_records_consumed", f.consumed},
              {"data_record_chunk_count", f.data_record_chunk_count},
              {"modules", f.modules}}},
            {"records", records},
            {"problems", problems}};
}

std::string record_text(const psk::DecodedRecord& rec, psk::SecretDisplay display) {
    std::string text =
        fmt::format("record {}{}{}{}\n", rec.position,
                    (rec.flags & psk::k_record_flag_valid) != 0 ? "" : " (not valid)",
                    (rec.flags & psk::k_record_flag_scrambled) != 0 ? ", scrambled" : "",
                    rec.consumed ? ", consumed" : "");
    for (const auto& entry : rec.entries) {
        const psk::VariableSpec* spec = psk::find_variable(entry.var);
        std::string name = spec != nullptr ? std::string(spec->title) : "unknown variable";
        text += fmt::format("  {:>5}  {:<36} {}\n",
                            fmt::format("{}.{}", entry.var.module, entry.var.id), name,
                            psk::show_value(entry, display));
    }
    return text;
}

std::string inspection_text(const flows::SetupBinInspection& in, psk::SecretDisplay display) {
    const auto& f = in.file;
    std::string modules;
    for (auto m : f.modules) {
        modules += (modules.empty() ? "" : ", ") + std::to_string(m);
    }
    std::string text = fmt::format(
        "{}: {} bytes, setup.bin version {}\n"
        "  records {}, consumed {}, {}\n  modules {}\n",
        in.path, f.file_size, version_name(f), f.record_count, f.consumed,
        (f.file_flags & psk::k_file_flag_no_consume) != 0 ? "records are not consumed"
                                                          : "each record is consumed on use",
        modules.empty() ? "(none listed)" : modules);
    for (const auto& rec : f.records) {
        text += record_text(rec, display);
    }
    if (f.problems.empty()) {
        return text + "no problems: firmware should accept this file\n";
    }
    text += fmt::format("{} problem{}:\n", f.problems.size(), f.problems.size() == 1 ? "" : "s");
    for (const auto& p : f.problems) {
        text += fmt::format("  {}: {}\n", p.where, p.what);
    }
    return text;
}

} // namespace

int render_inspection(Session& session, const flows::SetupBinInspection& inspection,
                      psk::SecretDisplay display) {
    session.output.result(inspection_json(inspection, display),
                          inspection_text(inspection, display));
    return inspection.file.problems.empty() ? 0 : exit_code(ErrorCategory::invalid_input);
}

int render_setup_bin(Session& session, const flows::SetupBinResult& r) {
    for (const auto& warning : r.warnings) {
        session.log.warning("{}", warning);
    }
    nlohmann::json settings = nlohmann::json::array();
    for (const auto& var : r.settings) {
        settings.push_back(std::string(psk::find_variable(var)->key));
    }
    bool consumed = r.use == flows::RecordUse::consume;
    nlohmann::json object = {{"path", r.path},
                             {"version", psk::version_info(r.version).name},
                             {"records", r.records},
                             {"size", r.bytes},
                             {"records_consumed_on_use", consumed},
                             {"scrambled", r.scrambled},
                             {"pids", r.pids},
                             {"psk_list", r.psk_out_path.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r.psk_out_path)},
                             {"settings", settings},
                             {"warnings", r.warnings}};
    std::string text =
        fmt::format("wrote {} ({} bytes, version {}, {} record{}{}, {})\n", r.path, r.bytes,
                    psk::version_info(r.version).name, r.records, r.records == 1 ? "" : "s",
                    r.pids.empty() ? "" : " with a PID/PPS pair each",
                    consumed ? "each consumed on use" : "not consumed");
    if (!r.psk_out_path.empty()) {
        text += fmt::format("wrote the PID/PPS list to {} (mode 0600)\n", r.psk_out_path);
    }
    session.output.result(object, text);
    return 0;
}

} // namespace amtcfg::cli
