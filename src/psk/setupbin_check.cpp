// Checks of one record's entries: known variables, version, sizes, PID/PPS, passwords, order.
#include "amtcfg/psk/mebx_password.hpp"
#include "amtcfg/psk/pid_pps.hpp"
#include "amtcfg/psk/setupbin.hpp"
#include "amtcfg/psk/setupbin_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace amtcfg::psk {

namespace {

std::string label(const Entry& entry) {
    const VariableSpec* spec = find_variable(entry.var);
    return fmt::format("{}.{} {}", entry.var.module, entry.var.id,
                       spec != nullptr ? spec->title : "(unknown variable)");
}

void add(std::vector<Problem>& problems, const std::string& where, const Entry& entry,
         std::string what) {
    problems.push_back(Problem{where + ", " + label(entry), std::move(what)});
}

void check_password(const Entry& entry, const std::string& where, std::vector<Problem>& out) {
    const std::string& text = entry.value.reveal();
    auto problems = entry.var == vars::new_mebx_password ? mebx_password_problems(text)
                                                         : current_mebx_password_problems(text);
    for (auto& problem : problems) {
        add(out, where, entry, "the password breaks a MEBx rule: " + problem);
    }
}

void check_value(const Entry& entry, SetupBinVersion version, const std::string& where,
                 std::vector<Problem>& out) {
    const VariableSpec* spec = find_variable(entry.var);
    if (spec == nullptr) {
        add(out, where, entry, "this variable is not defined for setup.bin");
        return;
    }
    if (version < spec->since) {
        add(out, where, entry,
            fmt::format("needs setup.bin version {} or later; this file is version {}",
                        version_info(spec->since).name, version_info(version).name));
    }
    if (auto problem = value_problem(*spec, as_bytes(entry.value.reveal()))) {
        add(out, where, entry, *problem);
        return;
    }
    const std::string& text = entry.value.reveal();
    if (entry.var == vars::pid) {
        if (auto problem = pid_problem(text)) {
            add(out, where, entry, *problem + " (AMT_STATUS_INVALID_PID_FORMAT)");
        }
    } else if (entry.var == vars::pps) {
        if (auto problem = pps_problem(text)) {
            add(out, where, entry, *problem + " (AMT_STATUS_INVALID_PPS_FORMAT)");
        }
    } else if (entry.var == vars::current_mebx_password || entry.var == vars::new_mebx_password) {
        check_password(entry, where, out);
    } else if (entry.var == vars::user_cert_add) {
        ByteView v = as_bytes(text);
        std::size_t hash = v.empty() ? 0 : v[0] == 1 ? 20 : v[0] == 2 ? 32 : v[0] == 3 ? 48 : 0;
        if (hash == 0 || v.size() < hash + 2 || v[1 + hash] != v.size() - hash - 2 ||
            v[1 + hash] == 0 || v[1 + hash] > 32) {
            add(out, where, entry,
                "the value must be: algorithm (1 SHA-1, 2 SHA-256, 3 SHA-384), the 20/32/48-byte "
                "hash, a name length of 1-32 and the name");
        } else if (v[0] > 1 && version < SetupBinVersion::v3_0) {
            add(out, where, entry, "SHA-256 and SHA-384 hashes need setup.bin version 3 or later");
        }
    }
}

void check_set(std::span<const Entry> entries, SetupBinVersion version, const std::string& where,
               std::vector<Problem>& out) {
    std::map<VarId, std::size_t> counts;
    for (const auto& entry : entries) {
        ++counts[entry.var];
    }
    for (const auto& [var, count] : counts) {
        std::size_t allowed = var == vars::user_cert_add ? k_max_cert_hashes : 1;
        if (count > allowed) {
            out.push_back(Problem{where, fmt::format("variable {}.{} appears {} times; at most {} "
                                                     "allowed",
                                                     var.module, var.id, count, allowed)});
        }
    }
    if (counts.count(vars::pid) != counts.count(vars::pps)) {
        out.push_back(Problem{where, "a PID needs its PPS and a PPS its PID"});
    }
    if (version >= SetupBinVersion::v2_0 && counts.count(vars::current_mebx_password) != 0 &&
        counts.count(vars::new_mebx_password) == 0) {
        out.push_back(Problem{where, "the current MEBx password must be followed by a new one "
                                     "(version 2 and later)"});
    }
    if (counts.count(vars::current_mebx_password) == 0) {
        out.push_back(Problem{where, "there is no current MEBx password (1.1); firmware needs it "
                                     "to apply the record"});
    }
}

} // namespace

void check_entries(std::span<const Entry> entries, SetupBinVersion version,
                   const std::string& where, std::vector<Problem>& problems) {
    for (const auto& entry : entries) {
        check_value(entry, version, where, problems);
    }
    check_set(entries, version, where, problems);
    auto unsorted =
        std::adjacent_find(entries.begin(), entries.end(),
                           [](const Entry& a, const Entry& b) { return b.var < a.var; });
    if (unsorted != entries.end()) {
        problems.push_back(
            Problem{where, fmt::format("entries are out of order: {}.{} comes before {}.{}; "
                                       "firmware expects them sorted by module and variable",
                                       unsorted->var.module, unsorted->var.id,
                                       (unsorted + 1)->var.module, (unsorted + 1)->var.id)});
    }
}

} // namespace amtcfg::psk
