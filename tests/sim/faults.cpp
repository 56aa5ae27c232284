// Fault specs: NAME, NAME:N, NAME:TARGET, NAME:TARGET=CODE.
#include "faults.hpp"

#include "amthi_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace amtcfg::sim {

namespace {

enum class Argument { none, count, target, target_code };

struct FaultName {
    std::string_view name;
    FaultKind kind;
    Argument argument;
};

constexpr FaultName k_fault_names[] = {
    {"mei-busy", FaultKind::mei_busy, Argument::count},
    {"mei-reset-after", FaultKind::mei_reset_after, Argument::count},
    {"no-mei", FaultKind::mei_absent, Argument::none},
    {"mei-denied", FaultKind::mei_denied, Argument::none},
    {"no-lme", FaultKind::no_lme, Argument::none},
    {"amthi-short", FaultKind::amthi_short, Argument::target},
    {"amthi-garble", FaultKind::amthi_garble, Argument::target},
    {"amthi-status", FaultKind::amthi_status, Argument::target_code},
    {"amthi-timeout", FaultKind::amthi_timeout, Argument::target},
    {"amthi-stale", FaultKind::amthi_stale, Argument::target},
    {"wsman-http500", FaultKind::wsman_http500, Argument::target},
    {"wsman-fault", FaultKind::wsman_fault, Argument::target},
    {"wsman-return", FaultKind::wsman_return, Argument::target_code},
    {"wsman-drop", FaultKind::wsman_drop, Argument::target},
    {"wsman-delay", FaultKind::wsman_delay, Argument::target_code},
    {"digest-stale", FaultKind::digest_stale, Argument::none},
};

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
    throw std::invalid_argument("invalid fault '" + std::string(spec) + "': " + why);
}

unsigned long number(std::string_view spec, std::string_view text) {
    std::string s(text);
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](unsigned char c) {
            return std::isxdigit(c) || c == 'x' || c == 'X';
        })) {
        bad(spec, "'" + s + "' is not a number (decimal, or hex with 0x)");
    }
    try {
        std::size_t used = 0;
        bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        unsigned long value = std::stoul(s, &used, hex ? 16 : 10);
        if (used != s.size())
            bad(spec, "'" + s + "' is not a number");
        return value;
    } catch (const std::logic_error&) {
        bad(spec, "'" + s + "' is not a number (decimal, or hex with 0x)");
    }
}

bool is_amthi(FaultKind kind) {
    return kind == FaultKind::amthi_short || kind == FaultKind::amthi_garble ||
           kind == FaultKind::amthi_status || kind == FaultKind::amthi_timeout ||
           kind == FaultKind::amthi_stale;
}

std::string target_of(std::string_view spec, FaultKind kind, std::string_view target) {
    if (target.empty())
        bad(spec, "names no command or method");
    if (!is_amthi(kind))
        return std::string(target);
    auto command = amthi::find_command(target);
    if (!command)
        bad(spec, "unknown AMTHI command (use a name of reference/amthi.md, e.g. GetUUID)");
    return std::string(command->name);
}

} // namespace

Fault parse_fault(std::string_view spec) {
    auto colon = spec.find(':');
    std::string_view name = spec.substr(0, colon);
    std::string_view rest = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
    auto known = std::find_if(std::begin(k_fault_names), std::end(k_fault_names),
                              [&](const FaultName& f) { return f.name == name; });
    if (known == std::end(k_fault_names))
        bad(spec, "unknown fault name (see tests/sim/README.md)");
    Fault fault{known->kind, "", 0};
    bool has_argument = colon != std::string_view::npos;
    switch (known->argument) {
    case Argument::none:
        if (has_argument)
            bad(spec, "takes no argument");
        break;
    case Argument::count:
        if (!has_argument)
            bad(spec, "needs a count, e.g. " + std::string(name) + ":2");
        fault.value = number(spec, rest);
        break;
    case Argument::target:
        fault.target = target_of(spec, fault.kind, rest);
        break;
    case Argument::target_code: {
        auto eq = rest.find('=');
        if (eq == std::string_view::npos)
            bad(spec, "needs TARGET=CODE");
        fault.target = target_of(spec, fault.kind, rest.substr(0, eq));
        fault.value = number(spec, rest.substr(eq + 1));
        break;
    }
    }
    return fault;
}

FaultList FaultList::parse(std::string_view specs) {
    std::vector<Fault> faults;
    while (!specs.empty()) {
        auto end = specs.find('\n');
        std::string_view line = specs.substr(0, end);
        if (!line.empty())
            faults.push_back(parse_fault(line));
        specs = end == std::string_view::npos ? "" : specs.substr(end + 1);
    }
    return FaultList(std::move(faults));
}

bool FaultList::has(FaultKind kind, std::string_view target) const {
    return value(kind, target).has_value();
}

std::optional<unsigned long> FaultList::value(FaultKind kind, std::string_view target) const {
    for (const auto& f : m_faults) {
        if (f.kind == kind && (target.empty() || f.target == target))
            return f.value;
    }
    return std::nullopt;
}

} // namespace amtcfg::sim
