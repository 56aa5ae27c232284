// Fault specs: NAME, NAME:N, NAME:TARGET, NAME:TARGET=CODE.
#include "faults.hpp"

#include "amthi_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
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
    {"apf-open-failure", FaultKind::apf_open_failure, Argument::none},
    {"apf-early-close", FaultKind::apf_early_close, Argument::none},
    {"apf-stall", FaultKind::apf_stall, Argument::none},
    {"tls-bad-chain", FaultKind::tls_bad_chain, Argument::none},
    {"tls-wrong-hash", FaultKind::tls_wrong_hash, Argument::none},
    {"tls-drop-after-commit", FaultKind::tls_drop_after_commit, Argument::none},
};

// Faults that act on one request or channel may be counted; a count of connects, messages
// or a fault about the whole device may not.
bool countable(FaultKind kind) {
    switch (kind) {
    case FaultKind::mei_busy:
    case FaultKind::mei_reset_after:
    case FaultKind::mei_absent:
    case FaultKind::mei_denied:
    case FaultKind::no_lme:
    case FaultKind::digest_stale:
    case FaultKind::tls_bad_chain:
        return false;
    default:
        return true;
    }
}

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

Fault parse_plain(std::string_view spec);

} // namespace

Fault parse_fault(std::string_view full_spec) {
    std::string_view spec = full_spec;
    std::optional<unsigned long> times;
    if (auto star = spec.rfind('*'); star != std::string_view::npos) {
        times = number(full_spec, spec.substr(star + 1));
        if (*times == 0)
            bad(full_spec, "*N needs N >= 1 (leave *N out for a fault that always fires)");
        spec = spec.substr(0, star);
    }
    Fault fault = parse_plain(spec);
    if (times && !countable(fault.kind))
        bad(full_spec, "cannot be counted with *N (it is not about one request or channel)");
    fault.times = times.value_or(0);
    return fault;
}

namespace {

Fault parse_plain(std::string_view spec) {
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

} // namespace

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

struct FaultList::Fired {
    std::mutex mutex;
    std::vector<unsigned long> counts;
};

FaultList::FaultList() : m_fired(std::make_shared<Fired>()) {}

FaultList::FaultList(std::vector<Fault> faults)
    : m_faults(std::move(faults)), m_fired(std::make_shared<Fired>()) {
    m_fired->counts.assign(m_faults.size(), 0);
}

std::optional<unsigned long> FaultList::fire(FaultKind kind, std::string_view target) const {
    std::lock_guard lock(m_fired->mutex);
    for (std::size_t i = 0; i < m_faults.size(); ++i) {
        const auto& f = m_faults[i];
        if (f.kind != kind || (!target.empty() && f.target != target))
            continue;
        if (f.times != 0 && m_fired->counts[i] >= f.times)
            continue; // used up: the device works again
        ++m_fired->counts[i];
        return f.value;
    }
    return std::nullopt;
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
