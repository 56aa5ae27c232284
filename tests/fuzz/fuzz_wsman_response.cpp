// Fuzz target: the WS-Man response parser (envelope, fault, method output, Pull items, endpoint
// references inside items, redaction).
#include "amtcfg/util/error.hpp"
#include "amtcfg/wsman/envelope.hpp"
#include "amtcfg/wsman/redact.hpp"
#include "amtcfg/wsman/schema.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace amtcfg;
using namespace amtcfg::wsman;

namespace {

// Every property of every item read as an endpoint reference (CIM_ElementSettingData's
// SettingData and ManagedElement are; most are not and must fail cleanly).
void read_references(const Element& items) {
    for (const auto& item : items.children) {
        for (const auto& property : item.children) {
            try {
                (void)parse_endpoint_reference(property).selector("InstanceID");
            } catch (const DecodeError&) {
            }
            (void)epr_selector(property, "InstanceID");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)redact_xml(text);
    try {
        Envelope env = parse_envelope(text);
        if (auto fault = find_fault(env)) {
            (void)fault_error(*fault, "fuzz Get");
        }
        for (const auto& child : env.body.children) {
            (void)child.property("InstanceID");
            if (const Element* items = child.find(ns::enumeration, "Items")) {
                read_references(*items);
            }
        }
        std::string uri = class_uri("IPS_HostBasedSetupService");
        for (std::string_view method : {"Setup", "AdminSetup", "AddNextCertInChain"}) {
            try {
                (void)parse_method_result(env, uri, method).describe();
            } catch (const DecodeError&) {
            }
        }
    } catch (const DecodeError&) {
    }
    return 0;
}
