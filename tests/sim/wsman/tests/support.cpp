// Test helpers for the simulator's WS-Man service.
#include "support.hpp"

#include "wsman/digest.hpp"
#include "wsman/soap.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

namespace amtcfg::sim::test {

Environment FakeWorld::environment() {
    Environment env;
    env.now = [this] { return now; };
    env.sleep_ms = [this](std::uint32_t ms) { sleeps.push_back(ms); };
    env.random = [this](std::size_t count) {
        std::vector<std::uint8_t> bytes(count);
        for (auto& b : bytes) {
            b = next_random++;
        }
        return bytes;
    };
    return env;
}

ParsedResponse read_response(const std::string& bytes) {
    ParsedResponse out;
    auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        return out;
    }
    out.status = std::stoi(bytes.substr(9, 3));
    std::size_t pos = bytes.find("\r\n") + 2;
    while (pos < head_end) {
        auto end = bytes.find("\r\n", pos);
        auto line = bytes.substr(pos, end - pos);
        auto colon = line.find(':');
        std::string key = line.substr(0, colon);
        for (auto& c : key)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[key] = line.substr(colon + 2);
        pos = end + 2;
    }
    pos = head_end + 4;
    if (out.headers["transfer-encoding"] == "chunked") {
        out.chunked = true;
        while (true) {
            auto line_end = bytes.find("\r\n", pos);
            if (line_end == std::string::npos)
                return out;
            auto size = std::stoul(bytes.substr(pos, line_end - pos), nullptr, 16);
            pos = line_end + 2;
            if (size == 0) {
                out.complete = bytes.compare(pos, 2, "\r\n") == 0;
                return out;
            }
            if (bytes.size() < pos + size + 2)
                return out;
            out.body += bytes.substr(pos, size);
            pos += size + 2;
        }
    }
    auto length = std::stoul(out.headers["content-length"]);
    out.complete = bytes.size() >= pos + length;
    out.body = bytes.substr(pos, length);
    return out;
}

std::string class_uri(std::string_view class_name) {
    auto prefix = class_name.starts_with("AMT_")   ? ns::amt_schema
                  : class_name.starts_with("IPS_") ? ns::ips_schema
                                                   : ns::cim_schema;
    return std::string(prefix) + std::string(class_name);
}

std::string envelope(std::string_view action, std::string_view resource_uri, std::string_view body,
                     const std::map<std::string, std::string>& selectors) {
    static int message_id = 0;
    std::string selector_xml;
    for (const auto& [name, value] : selectors) {
        selector_xml += fmt::format("<w:Selector Name=\"{}\">{}</w:Selector>", name, value);
    }
    if (!selector_xml.empty()) {
        selector_xml = "<w:SelectorSet>" + selector_xml + "</w:SelectorSet>";
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Envelope xmlns=\"{}\" xmlns:a=\"{}\" "
        "xmlns:w=\"{}\"><Header><a:Action>{}</a:Action><a:To>/wsman</a:To>"
        "<w:ResourceURI>{}</w:ResourceURI><a:MessageID>{}</a:MessageID><a:ReplyTo><a:Address>"
        "{}</a:Address></a:ReplyTo><w:OperationTimeout>PT60S</w:OperationTimeout>{}</Header>"
        "<Body>{}</Body></Envelope>",
        ns::soap, ns::addressing, ns::wsman, action, resource_uri, ++message_id, ns::anonymous,
        selector_xml, body);
}

std::string http_post(const std::string& body, const std::string& authorization) {
    std::string out = "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1:16992\r\n"
                      "Content-Type: application/soap+xml; charset=utf-8\r\n";
    if (!authorization.empty()) {
        out += "Authorization: " + authorization + "\r\n";
    }
    return out + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string DigestClient::authorization(const std::string& value) {
    auto nc = fmt::format("{:08x}", ++m_nc);
    std::string cnonce = "0a4f113b";
    auto ha1 = digest_ha1(m_user, realm, m_password);
    auto ha2 = md5_hex("POST:/wsman");
    auto response = md5_hex(ha1 + ":" + value + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    return fmt::format("Digest username=\"{}\",realm=\"{}\",nonce=\"{}\",uri=\"/wsman\","
                       "response=\"{}\",qop=\"auth\",nc=\"{}\",cnonce=\"{}\"",
                       m_user, realm, value, response, nc, cnonce);
}

// Like RPS: first without Authorization, then answer each 401 (at most three times).
std::string DigestClient::raw_post(const std::string& soap) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto bytes = http_post(soap, nonce.empty() ? "" : authorization(nonce));
        auto reply = transport ? transport(bytes) : m_service.handle_bytes(bytes);
        auto response = read_response(reply);
        if (response.status != 401 || attempt == 3) {
            return reply;
        }
        ++challenges;
        auto params = parse_digest_header(response.headers["www-authenticate"]);
        nonce = params["nonce"];
        realm = params["realm"];
        last_stale = params["stale"];
    }
    return {};
}

ParsedResponse DigestClient::post(const std::string& soap) {
    return read_response(raw_post(soap));
}

ParsedResponse DigestClient::get(std::string_view class_name,
                                 const std::map<std::string, std::string>& selectors) {
    return post(envelope(action::get, class_uri(class_name), "", selectors));
}

ParsedResponse DigestClient::invoke(std::string_view class_name, std::string_view method,
                                    std::string_view args) {
    auto uri = class_uri(class_name);
    auto body = fmt::format("<h:{0}_INPUT xmlns:h=\"{1}\">{2}</h:{0}_INPUT>", method, uri, args);
    return post(envelope(uri + "/" + std::string(method), uri, body));
}

ParsedResponse DigestClient::put(std::string_view class_name, std::string_view props,
                                 const std::map<std::string, std::string>& selectors) {
    auto uri = class_uri(class_name);
    auto body = fmt::format("<h:{0} xmlns:h=\"{1}\">{2}</h:{0}>", class_name, uri, props);
    return post(envelope(action::put, uri, body, selectors));
}

std::vector<std::string> element_texts(const std::string& xml, std::string_view local) {
    pugi::xml_document doc;
    std::vector<std::string> out;
    if (!doc.load_string(xml.c_str())) {
        return out;
    }
    for (auto node : doc.select_nodes("//*")) {
        if (local_name(node.node()) == local) {
            out.emplace_back(node.node().child_value());
        }
    }
    return out;
}

std::string element_text(const std::string& xml, std::string_view local) {
    auto texts = element_texts(xml, local);
    return texts.empty() ? std::string() : texts.front();
}

} // namespace amtcfg::sim::test
