// `amtcfg info`: what this AMT is and how it is configured, as text or the JSON contract.
#include "session.hpp"

#include "amtcfg/flows/info.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

namespace {

std::string_view interface_name(amthi::LanInterfaceIndex index) {
    return index == amthi::LanInterfaceIndex::wired ? "wired" : "wireless";
}

// The `info --json` object of DESIGN.md section 1 (contract).
nlohmann::json info_json(const flows::InfoResult &r) {
    nlohmann::json hashes = nlohmann::json::array();
    for (const auto &h : r.cert_hashes) {
        hashes.push_back({{"name", h.name},
                          {"algorithm", amthi::hash_algorithm_name(h.algorithm)},
                          {"hash", to_hex(h.hash)},
                          {"default", h.is_default},
                          {"active", h.is_active}});
    }
    nlohmann::json lan = nlohmann::json::array();
    for (const auto &l : r.lan) {
        lan.push_back({{"interface", interface_name(l.index)},
                       {"dhcp", l.settings.dhcp_enabled},
                       {"link_up", l.settings.link_up},
                       {"ip", amthi::format_ipv4(l.settings.ipv4)},
                       {"mac", amthi::format_mac(l.settings.mac)}});
    }
    return {
        {"amt",
         {{"version", r.version}, {"build", r.build}, {"sku", r.sku}, {"features", r.features}}},
        {"uuid", r.uuid},
        {"control_mode", amthi::control_mode_name(r.control_mode)},
        {"provisioning_state", amthi::provisioning_state_name(r.provisioning_state)},
        {"dns_suffix",
         r.dns_suffix.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.dns_suffix)},
        {"tls_enforced", r.tls_enforced},
        {"cert_hashes", hashes},
        {"lan", lan},
        {"transport", {{"lms", r.lms}, {"lme", r.lme}}},
    };
}

std::string yes_no(bool value) {
    return value ? "yes" : "no";
}

std::string info_text(const flows::InfoResult &r) {
    std::string features =
        r.features.empty() ? "" : " (" + fmt::format("{}", fmt::join(r.features, ", ")) + ")";
    std::string out;
    out += fmt::format("AMT version         {} (build {})\n", r.version, r.build);
    out += fmt::format("SKU                 {}{}\n", r.sku, features);
    out += fmt::format("UUID                {}\n", r.uuid);
    out += fmt::format("Control mode        {}\n", amthi::control_mode_name(r.control_mode));
    out += fmt::format("Provisioning state  {}\n",
                       amthi::provisioning_state_name(r.provisioning_state));
    out += fmt::format("DNS suffix          {}\n", r.dns_suffix.empty() ? "(none)" : r.dns_suffix);
    out += fmt::format("TLS enforced        {}\n", yes_no(r.tls_enforced));
    out += fmt::format("LMS                 {} ({}:{})\n", r.lms ? "answers" : "not answering",
                       r.lms_address, r.lms_port);
    out += fmt::format("LME client          {}\n", r.lme ? "available" : "not available");
    for (const auto &l : r.lan) {
        out += fmt::format("LAN {:<16}{}, link {}, {} {}\n", interface_name(l.index),
                           l.settings.dhcp_enabled ? "DHCP" : "static",
                           l.settings.link_up ? "up" : "down", amthi::format_ipv4(l.settings.ipv4),
                           amthi::format_mac(l.settings.mac));
    }
    out += fmt::format("Trusted root certificate hashes: {}\n", r.cert_hashes.size());
    for (const auto &h : r.cert_hashes) {
        out += fmt::format("  {}{}{}\n    {} {}\n", h.name, h.is_default ? " [default]" : "",
                           h.is_active ? "" : " [inactive]",
                           amthi::hash_algorithm_name(h.algorithm), to_hex(h.hash));
    }
    return out;
}

} // namespace

Runner add_info(CLI::App & /*command*/) {
    return [](Session &session) {
        auto device = session.platform.open_mei(session.options.device);
        flows::InfoOptions options{.lms_address = session.options.lms_address,
                                   .lms_port = session.options.lms_port};
        auto result =
            flows::read_info(*device, session.platform.tcp_accepts, options, session.deadline);
        for (const auto &warning : result.warnings) {
            session.log.warning("{}", warning);
        }
        session.output.result(info_json(result), info_text(result));
        return 0;
    };
}

} // namespace amtcfg::cli
