// `amtcfg info`: what this AMT is and how it is configured, as text or the JSON contract.
#include "flow_environment.hpp"
#include "session.hpp"

#include "amtcfg/flows/admin_password.hpp"
#include "amtcfg/flows/amt_tls.hpp"
#include "amtcfg/flows/configuration.hpp"
#include "amtcfg/util/secret_input.hpp"

#include "amtcfg/flows/info.hpp"

#include <fmt/format.h>

namespace amtcfg::cli {

namespace {

std::string_view interface_name(amthi::LanInterfaceIndex index) {
    return index == amthi::LanInterfaceIndex::wired ? "wired" : "wireless";
}

// The `info --json` object of DESIGN.md section 1 (contract).
nlohmann::json info_json(const flows::InfoResult& r) {
    nlohmann::json hashes = nlohmann::json::array();
    for (const auto& h : r.cert_hashes) {
        hashes.push_back({{"name", h.name},
                          {"algorithm", amthi::hash_algorithm_name(h.algorithm)},
                          {"hash", to_hex(h.hash)},
                          {"default", h.is_default},
                          {"active", h.is_active}});
    }
    nlohmann::json lan = nlohmann::json::array();
    for (const auto& l : r.lan) {
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
        {"operational_state", r.amt_enabled
                                  ? nlohmann::json(*r.amt_enabled ? "enabled" : "disabled")
                                  : nlohmann::json(nullptr)},
        {"cert_hashes", hashes},
        {"lan", lan},
        {"transport",
         {{"lms", r.lms},
          {"lme", r.lme},
          {"lms_listener_uid", r.lms_check.owner_uid ? nlohmann::json(*r.lms_check.owner_uid)
                                                     : nlohmann::json(nullptr)}}},
    };
}

std::string yes_no(bool value) {
    return value ? "yes" : "no";
}

// Soft-disabled AMT (mei-heci.md section 5), with what the user can do about it.
std::string operational_text(const flows::InfoResult& r) {
    if (!r.amt_enabled) {
        return "not reported by this AMT";
    }
    if (*r.amt_enabled) {
        return "enabled";
    }
    if (r.amt_change_allowed && r.provisioning_state == amthi::ProvisioningState::pre) {
        return "disabled (`amtcfg configure` enables it)";
    }
    return "disabled (enable Intel AMT in the MEBx)";
}

// Only a listener owned by root counts as LMS (DESIGN.md section 6).
std::string lms_text(const http::LmsCheck& check) {
    switch (check.verdict) {
    case http::LmsVerdict::trusted:
        return "answers (owned by root)";
    case http::LmsVerdict::not_listening:
        return "not running";
    case http::LmsVerdict::not_root:
        return fmt::format("not trusted: the listener belongs to uid {}, not root",
                           check.owner_uid.value_or(0));
    case http::LmsVerdict::unknown_owner:
        return "not trusted: its owner cannot be read from /proc";
    case http::LmsVerdict::no_answer:
        break;
    }
    return "not answering";
}

std::string info_text(const flows::InfoResult& r) {
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
    out += fmt::format("Operational state   {}\n", operational_text(r));
    out += fmt::format("LMS                 {} ({}:{})\n", lms_text(r.lms_check), r.lms_address,
                       r.lms_port);
    out += fmt::format("LME client          {}\n", r.lme ? "available" : "not available");
    for (const auto& l : r.lan) {
        out += fmt::format("LAN {:<16}{}, link {}, {} {}\n", interface_name(l.index),
                           l.settings.dhcp_enabled ? "DHCP" : "static",
                           l.settings.link_up ? "up" : "down", amthi::format_ipv4(l.settings.ipv4),
                           amthi::format_mac(l.settings.mac));
    }
    out += fmt::format("Trusted root certificate hashes: {}\n", r.cert_hashes.size());
    for (const auto& h : r.cert_hashes) {
        out += fmt::format("  {}{}{}\n    {} {}\n", h.name, h.is_default ? " [default]" : "",
                           h.is_active ? "" : " [inactive]",
                           amthi::hash_algorithm_name(h.algorithm), to_hex(h.hash));
    }
    return out;
}

} // namespace

nlohmann::json configuration_json(const flows::Configuration& c) {
    return {
        {"hostname", c.hostname},
        {"domain", c.domain},
        {"ping_response", c.ping_response},
        {"network", {{"dhcp", c.dhcp}, {"ip_sync", c.ip_sync}, {"ip", c.ip}}},
        {"redirection",
         {{"sol", c.sol},
          {"ider", c.ider},
          {"kvm", c.kvm ? nlohmann::json(*c.kvm) : nlohmann::json(nullptr)}}},
        {"user_consent", c.user_consent},
        {"tls", {{"enabled", c.tls_enabled}}},
        {"clock_drift_seconds", c.clock_drift_seconds},
        {"power",
         {{"package", c.power_package ? nlohmann::json(*c.power_package) : nlohmann::json(nullptr)},
          {"policy", c.power_policy ? nlohmann::json(*c.power_policy) : nlohmann::json(nullptr)}}}};
}

std::string configuration_text(const flows::Configuration& c) {
    auto on = [](bool value) { return value ? "on" : "off"; };
    return fmt::format("Configuration:\n  host name       {}{}{}\n  ping response   {}\n"
                       "  network         {}{}{}\n  redirection     SOL {}, IDER {}, KVM {}\n"
                       "  user consent    {}\n  TLS             {}\n  clock drift     {} s\n"
                       "  power package   {}{}\n",
                       c.hostname, c.domain.empty() ? "" : ".", c.domain, on(c.ping_response),
                       c.dhcp ? "DHCP" : "static", c.ip_sync ? ", IP sync" : "",
                       c.ip.empty() ? "" : ", " + c.ip, on(c.sol), on(c.ider),
                       c.kvm ? on(*c.kvm) : "not on this SKU", c.user_consent, on(c.tls_enabled),
                       c.clock_drift_seconds, c.power_package.value_or("none current"),
                       c.power_policy ? " (" + *c.power_policy + ")" : "");
}

namespace {

// How AMT's TLS certificate was judged (AMT 19+ with TLS enforced, info --password).
nlohmann::json tls_json(const http::TlsContext& tls) {
    nlohmann::json out{{"trust", tls.trust().describe()},
                       {"full_handshakes", tls.counters().full_handshakes},
                       {"resumed_handshakes", tls.counters().resumed_handshakes}};
    if (const auto& verdict = tls.last_verdict()) {
        out["verified"] = verdict->accepted && !http::waived(*verdict);
        out["check"] = verdict->check;
        out["chain"] = verdict->subjects;
    }
    return out;
}

std::string tls_text(const http::TlsContext& tls) {
    std::string out = fmt::format("TLS to AMT          verified with {}\n", tls.trust().describe());
    if (const auto& verdict = tls.last_verdict()) {
        out += fmt::format("  decided by        {}\n", verdict->check);
        for (const auto& subject : verdict->subjects) {
            out += fmt::format("  certificate       {}\n", subject);
        }
    }
    return out;
}

} // namespace

Runner add_info(CLI::App& command) {
    auto password = std::make_shared<std::string>();
    command
        .add_option("--password", *password,
                    "admin password: also read the configuration over WS-Man (env:NAME, "
                    "file:PATH, escrow:FILE, stdin or prompt)")
        ->type_name("SOURCE");
    return [password](Session& session) {
        auto device = session.platform.open_mei(session.options.device);
        flows::InfoOptions options{.lms_address = lms_address(session.options),
                                   .lms_port = session.options.lms_port};
        auto result =
            flows::read_info(*device, session.platform.check_lms, options, session.deadline);
        session.log.info("LMS: {}", result.lms_check.detail);
        for (const auto& warning : result.warnings) {
            session.log.warning("{}", warning);
        }
        auto json = info_json(result);
        auto text = info_text(result);
        if (!password->empty()) {
            if (result.control_mode == amthi::ControlMode::pre_provisioning) {
                session.log.warning("AMT is not activated: there is no configuration to read "
                                    "with --password");
                json["configuration"] = nullptr;
            } else {
                auto source = parse_secret_source(*password);
                warn_if_literal(session, source, "--password");
                FlowEnvironment environment(session);
                std::shared_ptr<http::TlsContext> tls;
                if (result.tls_enforced || flows::tls_expected(environment.get(), result.uuid,
                                                               flows::escrow_file_of(source))) {
                    tls = flows::speak_tls(environment.get(),
                                           flows::provisioned_trust(environment.get(), result.uuid,
                                                                    flows::escrow_file_of(source)));
                }
                auto configuration = flows::read_configuration(
                    environment.get(),
                    flows::read_admin_password(environment.get(), source, result.uuid));
                json["configuration"] = configuration_json(configuration);
                text += configuration_text(configuration);
                if (tls) {
                    json["tls"] = tls_json(*tls);
                    text += tls_text(*tls);
                }
            }
        }
        session.output.result(json, text);
        return 0;
    };
}

} // namespace amtcfg::cli
