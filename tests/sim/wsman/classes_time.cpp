// AMT_TimeSynchronizationService and CIM_SoftwareIdentity (wsman.md sections 6 and 9).
#include "wsman/classes.hpp"

namespace amtcfg::sim {
namespace {

constexpr std::uint32_t k_pt_success = 0;
constexpr std::uint32_t k_pt_invalid_parameter = 36;

std::vector<Instance> time_instances(CallContext&) {
    return {Instance{{"CreationClassName", "AMT_TimeSynchronizationService"},
                     {"ElementName", "Intel(r) AMT Time Synchronization Service"},
                     {"EnabledState", "5"},
                     {"LocalTimeSyncEnabled", "0"},
                     {"Name", "Intel(r) AMT Time Synchronization Service"},
                     {"RequestedState", "12"},
                     {"SystemCreationClassName", "CIM_ComputerSystem"},
                     {"SystemName", "Intel(r) AMT"},
                     {"TimeSource", "0"}}};
}

// Ta0 is AMT's clock: real time plus the device's clock offset.
MethodOutput get_low_accuracy(CallContext& context, const MethodInput&, pugi::xml_node) {
    auto ta0 = context.env.now() + context.state.clock_offset_seconds;
    context.scratch.last_ta0 = ta0;
    return {{{"Ta0", std::to_string(ta0)}}, k_pt_success};
}

// AMT sets its clock to Tm2 (the client's time just before the call); Ta0 must echo the
// value AMT gave out.
MethodOutput set_high_accuracy(CallContext& context, const MethodInput& input, pugi::xml_node) {
    auto ta0 = uint_arg(input, "Ta0");
    auto tm1 = uint_arg(input, "Tm1");
    auto tm2 = uint_arg(input, "Tm2");
    if (!ta0 || !tm1 || !tm2 || *tm1 > *tm2 || !context.scratch.last_ta0 ||
        static_cast<std::int64_t>(*ta0) != *context.scratch.last_ta0) {
        return {{}, k_pt_invalid_parameter};
    }
    context.state.clock_offset_seconds = static_cast<std::int64_t>(*tm2) - context.env.now();
    context.state.wsman.certificates.clock_set = true; // mutual TLS needs a set clock
    context.scratch.last_ta0.reset();
    return {{}, k_pt_success};
}

constexpr MethodSpec k_time_methods[] = {{"GetLowAccuracyTimeSynch", get_low_accuracy},
                                         {"SetHighAccuracyTimeSynch", set_high_accuracy}};

// The GetCodeVersions table (the same facts AMTHI reports) plus the core version.
std::vector<Instance> software_instances(CallContext& context) {
    std::vector<Instance> items;
    auto item = [](std::string id, std::string version) {
        return Instance{{"InstanceID", std::move(id)},
                        {"IsEntity", "true"},
                        {"VersionString", std::move(version)}};
    };
    for (const auto& row : code_version_table(context.state)) {
        items.push_back(item(row.description, row.version));
    }
    items.push_back(item("AMT FW Core Version", context.state.amt_version));
    return items;
}

} // namespace

const ClassSpec k_time_sync_service{
    "AMT_TimeSynchronizationService", ns::amt_schema, time_instances, nullptr, {}, k_time_methods};
const ClassSpec k_software_identity{"CIM_SoftwareIdentity", ns::cim_schema, software_instances};

} // namespace amtcfg::sim
