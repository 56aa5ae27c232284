// Text-level redaction of secret elements, for -vvv traces of requests and responses.
#include "amtcfg/wsman/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace amtcfg::wsman {

namespace {

// Words that mark a secret anywhere in an element name (compared case-insensitively).
constexpr std::array<std::string_view, 2> k_secret_words{"password", "passphrase"};
// Whole names that hold secrets without saying so.
constexpr std::array<std::string_view, 6> k_secret_names{
    "KeyBlob", "PSKValue", "PSK", "PrivateKey", "ProvisioningServerOTP", "OTP"};
// Names that match a word above but hold no secret.
constexpr std::array<std::string_view, 1> k_not_secret{"PasswordModel"};
constexpr std::string_view k_redacted = "<redacted>";

bool contains_word(std::string_view name, std::string_view word) {
    auto it = std::search(name.begin(), name.end(), word.begin(), word.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    return it != name.end();
}

bool is_name_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == ':' || ch == '_' ||
           ch == '-' || ch == '.';
}

} // namespace

bool is_secret_element(std::string_view local_name) {
    if (std::find(k_not_secret.begin(), k_not_secret.end(), local_name) != k_not_secret.end()) {
        return false;
    }
    if (std::find(k_secret_names.begin(), k_secret_names.end(), local_name) !=
        k_secret_names.end()) {
        return true;
    }
    return std::any_of(k_secret_words.begin(), k_secret_words.end(),
                       [&](std::string_view w) { return contains_word(local_name, w); });
}

std::string redact_xml(std::string_view xml) {
    std::string out;
    out.reserve(xml.size());
    std::size_t pos = 0;
    while (pos < xml.size()) {
        std::size_t lt = xml.find('<', pos);
        if (lt == std::string_view::npos) {
            break;
        }
        std::size_t name_end = lt + 1;
        while (name_end < xml.size() && is_name_char(xml[name_end])) {
            ++name_end;
        }
        std::string_view qname = xml.substr(lt + 1, name_end - lt - 1);
        auto colon = qname.rfind(':');
        std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
        std::size_t gt = xml.find('>', name_end);
        if (qname.empty() || gt == std::string_view::npos || xml[gt - 1] == '/' ||
            !is_secret_element(local)) {
            out.append(xml.substr(pos, name_end - pos));
            pos = name_end;
            continue;
        }
        out.append(xml.substr(pos, gt + 1 - pos));
        out.append(k_redacted);
        std::size_t close = xml.find("</" + std::string(qname), gt + 1);
        pos = close == std::string_view::npos ? xml.size() : close;
        if (close != std::string_view::npos) {
            out.append(xml.substr(close, 2 + qname.size()));
            pos = close + 2 + qname.size();
        }
    }
    out.append(xml.substr(std::min(pos, xml.size())));
    return out;
}

} // namespace amtcfg::wsman
