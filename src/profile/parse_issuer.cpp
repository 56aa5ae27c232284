// The <issuer> of <tls> (file, scep, cmp, exec) and the names AMT's certificate carries.
#include "sections.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/log.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace amtcfg::profile {

namespace {

constexpr unsigned k_max_validity_days = 3650;
// X.520 ub-common-name (RFC 5280 appendix A.1): a CN longer than this is not encodable.
constexpr std::size_t k_max_common_name = 64;
// RFC 1035 section 2.3.4: labels of 63 octets, names of 255 octets (253 characters in text).
constexpr std::size_t k_max_label = 63;
constexpr std::size_t k_max_dns_name = 253;
constexpr std::size_t k_max_command = 4096;
constexpr std::size_t k_sha256_size = 32;

bool has_controls(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

// A host name as a certificate's dNSName carries it (RFC 1123 labels: letters, digits,
// hyphens, not starting or ending with a hyphen).
bool valid_dns_name(std::string_view name) {
    if (name.empty() || name.size() > k_max_dns_name) {
        return false;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        auto label =
            name.substr(start, dot == std::string_view::npos ? name.size() - start : dot - start);
        bool characters = std::all_of(label.begin(), label.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
        });
        if (label.empty() || label.size() > k_max_label || !characters || label.front() == '-' ||
            label.back() == '-') {
            return false;
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return true;
}

std::string url(XmlReader& xml, pugi::xml_node node) {
    std::string value =
        xml.required(node, "url", "the enrollment server's http:// or https:// URL");
    if ((value.rfind("https://", 0) != 0 && value.rfind("http://", 0) != 0) ||
        has_controls(value) || value.find(' ') != std::string::npos) {
        xml.fail(xml.line_of(node, "url"),
                 fmt::format("invalid url=\"{}\" on <issuer> (expected an http:// or https:// URL)",
                             strip_controls(value)));
    }
    return value;
}

// "sha256:HEX", the hex either plain or with colons between bytes (as `openssl x509
// -fingerprint -sha256` prints it).
Bytes fingerprint(XmlReader& xml, pugi::xml_node node) {
    auto value = xml.text(node, "ca-fingerprint");
    if (!value) {
        return {};
    }
    std::string hex;
    bool prefixed = value->rfind("sha256:", 0) == 0;
    if (prefixed) {
        std::string_view rest = std::string_view(*value).substr(7);
        std::copy_if(rest.begin(), rest.end(), std::back_inserter(hex),
                     [](char c) { return c != ':'; });
    }
    try {
        if (prefixed && hex.size() == 2 * k_sha256_size) {
            return from_hex(hex);
        }
    } catch (const DecodeError&) {
    }
    xml.fail(xml.line_of(node, "ca-fingerprint"),
             fmt::format("invalid ca-fingerprint=\"{}\" on <issuer> (expected sha256: and the 64 "
                         "hex digits of the CA certificate's SHA-256 fingerprint)",
                         strip_controls(*value)));
}

void file_issuer(XmlReader& xml, pugi::xml_node node, Issuer& out) {
    xml.check_attributes(
        node, {"type", "ca-certificate", "ca-key", "ca-key-password-source", "validity-days"});
    xml.required(node, "ca-certificate", "the PEM file of the CA that signs AMT's certificate");
    xml.required(node, "ca-key", "the PEM file of that CA's private key");
    out.ca_certificate = *xml.path(node, "ca-certificate");
    out.ca_key = *xml.path(node, "ca-key");
    out.ca_key_password = xml.secret(node, "ca-key-password-source", RandomSource::refused);
    out.validity_days = xml.number(node, "validity-days", k_max_validity_days);
    if (out.validity_days == 0U) {
        xml.fail(xml.line_of(node, "validity-days"),
                 "validity-days=\"0\" on <issuer> would issue an expired certificate "
                 "(expected 1 to 3650)");
    }
}

void exec_issuer(XmlReader& xml, pugi::xml_node node, Issuer& out) {
    xml.check_attributes(node, {"type", "command", "trusted-ca"});
    out.command = xml.required(node, "command",
                               "a certmonger submit helper, such as "
                               "\"/usr/lib/certmonger/scep-submit -u URL\"");
    if (out.command.find_first_not_of(' ') == std::string::npos ||
        out.command.size() > k_max_command || has_controls(out.command)) {
        xml.fail(xml.line_of(node, "command"),
                 "invalid command on <issuer> (expected a shell command line of at most 4096 "
                 "characters without control characters)");
    }
    out.trusted_ca = xml.path(node, "trusted-ca").value_or("");
}

} // namespace

Issuer parse_issuer(XmlReader& xml, pugi::xml_node node) {
    Issuer out;
    out.line = xml.line_of(node);
    xml.required(node, "type", XmlReader::names_of(k_issuer_types));
    out.type = *xml.choice(node, "type", k_issuer_types);
    xml.check_children(node, {});
    switch (out.type) {
    case IssuerType::file:
        file_issuer(xml, node, out);
        break;
    case IssuerType::scep:
        xml.check_attributes(node,
                             {"type", "url", "challenge-source", "trusted-ca", "ca-fingerprint"});
        out.url = url(xml, node);
        out.challenge = xml.secret(node, "challenge-source", RandomSource::refused);
        out.trusted_ca = xml.path(node, "trusted-ca").value_or("");
        out.ca_fingerprint = fingerprint(xml, node);
        break;
    case IssuerType::cmp:
        xml.check_attributes(node, {"type", "url", "reference", "secret-source", "trusted-ca"});
        out.url = url(xml, node);
        out.reference = xml.text(node, "reference").value_or("");
        out.secret = xml.secret(node, "secret-source", RandomSource::refused);
        out.trusted_ca = xml.path(node, "trusted-ca").value_or("");
        if (out.secret.has_value() != !out.reference.empty()) {
            xml.fail(node, "<issuer type=\"cmp\"> needs reference and secret-source together "
                           "(the shared secret is looked up by its reference)");
        }
        break;
    case IssuerType::exec:
        exec_issuer(xml, node, out);
        break;
    }
    return out;
}

void parse_names(XmlReader& xml, pugi::xml_node node, Tls& tls) {
    if (auto name = xml.text(node, "common-name")) {
        if (name->empty() || name->size() > k_max_common_name || has_controls(*name)) {
            xml.fail(xml.line_of(node, "common-name"),
                     fmt::format("invalid common-name=\"{}\" on <tls> (expected 1 to 64 "
                                 "characters without control characters)",
                                 strip_controls(*name)));
        }
        tls.common_name = *name;
    }
    auto names = xml.text(node, "dns-names");
    if (!names) {
        return;
    }
    std::set<std::string> seen;
    for (auto& name : split_list(*names)) {
        if (!valid_dns_name(name)) {
            xml.fail(xml.line_of(node, "dns-names"),
                     fmt::format("invalid DNS name \"{}\" in dns-names on <tls> (expected a "
                                 "comma-separated list of host names: letters, digits and "
                                 "hyphens in dot-separated labels)",
                                 strip_controls(name)));
        }
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
            return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        if (!seen.insert(lower).second) {
            xml.fail(xml.line_of(node, "dns-names"),
                     fmt::format("DNS name \"{}\" is listed twice in dns-names on <tls>", name));
        }
        tls.dns_names.push_back(std::move(name));
    }
}

} // namespace amtcfg::profile
