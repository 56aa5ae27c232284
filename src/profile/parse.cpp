// parse_profile: walks the XML document section by section into the typed Profile model.
#include "amtcfg/profile/profile.hpp"

#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/error.hpp"
#include "sections.hpp"
#include "xml_reader.hpp"

#include <cctype>

namespace amtcfg::profile {

namespace {

constexpr unsigned k_max_days = 3650;

std::string lower_first(std::string text) {
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

SecretSetting required_secret(XmlReader& xml, pugi::xml_node node, std::string_view name,
                              RandomSource random) {
    xml.required(node, name, "a secret source such as env:NAME or file:PATH");
    return *xml.secret(node, name, random);
}

SecretSetting password_element(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"source"});
    xml.check_children(node, {});
    return required_secret(xml, node, "source", RandomSource::allowed);
}

ProvisioningCertificate provisioning_certificate(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"file", "password-source"});
    xml.check_children(node, {});
    ProvisioningCertificate out;
    out.line = xml.line_of(node);
    xml.required(node, "file", "the PKCS#12 (.pfx) file of the provisioning certificate");
    out.file = *xml.path(node, "file");
    out.password = required_secret(xml, node, "password-source", RandomSource::refused);
    return out;
}

Activation activation(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"mode"});
    xml.check_children(node, {"admin-password", "mebx-password", "provisioning-certificate"});
    Activation out;
    out.line = xml.line_of(node);
    xml.required(node, "mode", "ccm or acm");
    out.mode = *xml.choice(node, "mode", k_activation_modes);
    auto admin = node.child("admin-password");
    if (!admin) {
        xml.fail(node, "<activation> needs an <admin-password source=\"...\"/> (the password "
                       "amtcfg sets for the AMT admin user)");
    }
    out.admin_password = password_element(xml, admin);
    if (auto mebx = node.child("mebx-password")) {
        out.mebx_password = password_element(xml, mebx);
    }
    if (auto certificate = node.child("provisioning-certificate")) {
        out.provisioning_certificate = provisioning_certificate(xml, certificate);
    }
    return out;
}

General general(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"hostname-sync", "ping-response"});
    xml.check_children(node, {});
    return General{xml.boolean(node, "hostname-sync"), xml.boolean(node, "ping-response"),
                   xml.line_of(node)};
}

Network network(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"dhcp", "ip-sync"});
    xml.check_children(node, {});
    return Network{xml.boolean(node, "dhcp"), xml.boolean(node, "ip-sync"), xml.line_of(node)};
}

Redirection redirection(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {"kvm", "sol", "ider", "user-consent"});
    xml.check_children(node, {});
    return Redirection{xml.boolean(node, "kvm"), xml.boolean(node, "sol"),
                       xml.boolean(node, "ider"), xml.choice(node, "user-consent", k_user_consents),
                       xml.line_of(node)};
}

PowerPolicy power_policy(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node, {});
    for (auto child : node.children()) {
        if (child.type() == pugi::node_element) {
            xml.fail(child, fmt::format("unknown element <{}> inside <power-policy> (expected "
                                        "the text {})",
                                        child.name(), XmlReader::names_of(k_power_policies)));
        }
    }
    std::string value = node.text().as_string();
    auto first = value.find_first_not_of(" \t\r\n");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    for (const auto& entry : k_power_policies) {
        if (entry.name == value) {
            return entry.value;
        }
    }
    xml.fail(node, fmt::format("invalid power policy \"{}\" (expected {})", value,
                               XmlReader::names_of(k_power_policies)));
}

Maintenance maintenance(XmlReader& xml, pugi::xml_node node) {
    xml.check_attributes(node,
                         {"clock-drift-max", "renew-certificate-days", "rotate-password-days"});
    xml.check_children(node, {});
    Maintenance out;
    out.line = xml.line_of(node);
    if (auto drift = xml.text(node, "clock-drift-max")) {
        try {
            out.clock_drift_max = parse_duration(*drift);
        } catch (const Error&) {
            xml.fail(xml.line_of(node, "clock-drift-max"),
                     fmt::format("invalid clock-drift-max=\"{}\" on <maintenance> (expected a "
                                 "duration such as 60s, 5m or 1h)",
                                 *drift));
        }
    }
    out.renew_certificate_days = xml.number(node, "renew-certificate-days", k_max_days);
    out.rotate_password_days = xml.number(node, "rotate-password-days", k_max_days);
    return out;
}

// pugixml tolerates content after the root element; a profile is exactly one element. Text
// after the last tag is dropped by pugixml, so it is looked for in the source.
void check_single_root(XmlReader& xml, const pugi::xml_document& doc, std::string_view text) {
    auto last_tag = text.rfind('>');
    auto stray =
        text.find_first_not_of(" \t\r\n", last_tag == std::string_view::npos ? 0 : last_tag + 1);
    if (last_tag != std::string_view::npos && stray != std::string_view::npos) {
        xml.fail(xml.line_at(static_cast<std::ptrdiff_t>(stray)),
                 "text outside <amtcfg-profile> (expected only comments after the closing tag)");
    }
    bool seen_root = false;
    for (auto node : doc.children()) {
        if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
            xml.fail(node, "text outside <amtcfg-profile> (expected only comments after the "
                           "closing tag)");
        }
        if (node.type() == pugi::node_element) {
            if (seen_root) {
                xml.fail(node, fmt::format("a second top-level element <{}> (a profile is one "
                                           "<amtcfg-profile> element)",
                                           node.name()));
            }
            seen_root = true;
        }
    }
}

// The root's version and name, then each section once.
Profile document(XmlReader& xml, pugi::xml_node root) {
    if (std::string_view(root.name()) != "amtcfg-profile") {
        xml.fail(root, fmt::format("the root element is <{}> (expected <amtcfg-profile "
                                   "version=\"1\">)",
                                   root.name()));
    }
    // The version first: a newer profile should say so, not trip over a newer element.
    std::string version = xml.required(root, "version", "1");
    if (version != "1") {
        xml.fail(xml.line_of(root, "version"),
                 fmt::format("unsupported profile version \"{}\" (this amtcfg reads version 1)",
                             version));
    }
    xml.check_attributes(root, {"version", "name"});
    xml.check_children(root, {"activation", "general", "network", "redirection", "power-policy",
                              "tls", "users", "maintenance"});
    Profile out;
    out.file_name = xml.file_name();
    out.name = xml.text(root, "name").value_or("");
    auto activation_node = root.child("activation");
    if (!activation_node) {
        xml.fail(root, "the profile has no <activation> section (expected <activation "
                       "mode=\"ccm|acm\"> with an <admin-password>)");
    }
    out.activation = activation(xml, activation_node);
    if (auto node = root.child("general")) {
        out.general = general(xml, node);
    }
    if (auto node = root.child("network")) {
        out.network = network(xml, node);
    }
    if (auto node = root.child("redirection")) {
        out.redirection = redirection(xml, node);
    }
    if (auto node = root.child("power-policy")) {
        out.power_policy = power_policy(xml, node);
    }
    if (auto node = root.child("tls")) {
        out.tls = parse_tls(xml, node);
    }
    if (auto node = root.child("users")) {
        out.users = parse_users(xml, node);
    }
    if (auto node = root.child("maintenance")) {
        out.maintenance = maintenance(xml, node);
    }
    return out;
}

} // namespace

std::string Profile::where(int line) const {
    return fmt::format("{}:{}", file_name, line);
}

Profile parse_profile(std::string_view text, const std::string& file_name,
                      const ParseOptions& options) {
    if (text.size() > k_max_profile_size) {
        throw Error(ErrorCategory::invalid_input,
                    fmt::format("{}: the profile is {} bytes, more than the {} a profile may "
                                "have (is this the right file?)",
                                file_name, text.size(), k_max_profile_size));
    }
    XmlReader xml(text, file_name);
    pugi::xml_document doc;
    // No parse_doctype: DTDs and entity declarations are rejected, so nothing is expanded.
    auto result =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        xml.fail(xml.line_at(result.offset), fmt::format("the profile is not well-formed XML: {}",
                                                         lower_first(result.description())));
    }
    check_single_root(xml, doc, text);
    Profile profile = document(xml, doc.document_element());
    validate(profile, options);
    return profile;
}

} // namespace amtcfg::profile
