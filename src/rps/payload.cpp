// The activation payload's JSON (field names as RPS reads them).
#include "amtcfg/rps/payload.hpp"

#include <nlohmann/json.hpp>

namespace amtcfg::rps {

Secret payload_json(const DevicePayload& payload, bool mask_secrets) {
    const IpConfiguration& ip = payload.ip;
    nlohmann::json object = {
        {"ver", payload.version},
        {"build", payload.build},
        {"sku", payload.sku},
        {"features", payload.features},
        {"uuid", payload.uuid},
        {"username", payload.username},
        {"password", mask_secrets ? std::string("********") : payload.password.reveal()},
        {"currentMode", payload.current_mode},
        {"hostname", payload.hostname},
        {"fqdn", payload.fqdn},
        {"client", "RPC"},
        {"certHashes", payload.cert_hashes},
        {"ipConfiguration",
         {{"dhcp", ip.dhcp},
          {"static", ip.is_static},
          {"ipsync", ip.ip_sync},
          {"ipAddress", ip.ip_address},
          {"netmask", ip.netmask},
          {"gateway", ip.gateway},
          {"primaryDns", ip.primary_dns},
          {"secondaryDns", ip.secondary_dns}}},
        {"hostnameInfo", {{"dnsSuffixOS", payload.dns_suffix_os}, {"hostname", payload.hostname}}},
        {"tlsEnforced", payload.tls_enforced},
        {"tlsTunnel", payload.tls_tunnel},
        {"progressSupported", payload.progress_supported},
    };
    if (payload.friendly_name) {
        object["friendlyName"] = *payload.friendly_name;
    }
    std::string text = object.dump();
    // The object's copy of the password goes with it; wipe the one string we can reach.
    if (!mask_secrets) {
        wipe_string(object["password"].get_ref<std::string&>());
    }
    return Secret(std::move(text));
}

} // namespace amtcfg::rps
