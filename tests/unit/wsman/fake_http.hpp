// A recording http::Client for WS-Man tests: scripted responses, every posted body kept.
#pragma once

#include "amtcfg/http/client.hpp"
#include "amtcfg/util/log.hpp"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::wsman::test {

class FakeHttp : public http::Client {
public:
    http::Response post(const std::string& path, const std::string& body) override {
        paths.push_back(path);
        posted.push_back(body);
        if (replies.empty()) {
            return {500, "", ""};
        }
        http::Response r = replies.front();
        replies.pop_front();
        return r;
    }

    void reply(int status, std::string body) {
        replies.push_back({status, "application/soap+xml; charset=UTF-8", std::move(body)});
    }

    std::deque<http::Response> replies;
    std::vector<std::string> paths;
    std::vector<std::string> posted;
};

struct RecordingSink : LogSink {
    std::vector<std::string> lines;
    void write(LogLevel, std::string_view line) override { lines.emplace_back(line); }
};

// Removes the indentation between tags of a hand-written expected document, so it can be
// written readably and compared byte for byte with what amtcfg sends.
inline std::string minify(std::string_view pretty) {
    std::string out;
    std::size_t i = 0;
    while (i < pretty.size()) {
        char ch = pretty[i];
        if (ch == '\n') {
            while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
                out.pop_back();
            }
            ++i;
            while (i < pretty.size() && (pretty[i] == ' ' || pretty[i] == '\t')) {
                ++i;
            }
            // A wrapped start tag continues with its next attribute.
            if (!out.empty() && out.back() != '>' && i < pretty.size() && pretty[i] != '<') {
                out += ' ';
            }
            continue;
        }
        out += ch;
        ++i;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) {
        out.pop_back();
    }
    auto first = out.find_first_not_of(" \n");
    return first == std::string::npos ? std::string() : out.substr(first);
}

// A request as reference/wsman.md section 3 shapes it: the envelope start, the fixed header
// fields, then `extra_header` (a SelectorSet) and `body` (the whole Body element), both
// written indented and minified here.
inline std::string expected_envelope(std::string_view action, std::string_view resource,
                                     std::string_view id, std::string_view extra_header,
                                     std::string_view body) {
    return minify(R"(<?xml version="1.0" encoding="utf-8"?>
        <Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                  xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
                  xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
                  xmlns="http://www.w3.org/2003/05/soap-envelope">
          <Header>
            <a:Action>)") +
           std::string(action) + "</a:Action><a:To>/wsman</a:To><w:ResourceURI>" +
           std::string(resource) + "</w:ResourceURI><a:MessageID>" + std::string(id) +
           minify(R"(</a:MessageID>
            <a:ReplyTo>
              <a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>
            </a:ReplyTo>
            <w:OperationTimeout>PT60S</w:OperationTimeout>)") +
           minify(extra_header) + "</Header>" + minify(body) + "</Envelope>";
}

// A response as AMT shapes it (reference/wsman.md section 3): prefixes a..g, header order
// To, RelatesTo, Action, MessageID, ResourceURI; `body` uses g: for the class namespace.
inline std::string amt_response(std::string_view action, std::string_view class_uri,
                                std::string_view body, std::string_view g_ns = {}) {
    std::string g = g_ns.empty() ? std::string(class_uri) : std::string(g_ns);
    return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") +
           R"(<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" )"
           R"(xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" )"
           R"(xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" )"
           R"(xmlns:d="http://schemas.xmlsoap.org/ws/2005/02/trust" )"
           R"(xmlns:e="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" )"
           R"(xmlns:f="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" )"
           R"(xmlns:g=")" +
           g +
           R"(" )"
           R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">)"
           R"(<a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To>)"
           R"(<b:RelatesTo>1</b:RelatesTo><b:Action a:mustUnderstand="true">)" +
           std::string(action) +
           R"(</b:Action><b:MessageID>uuid:00000000-8086-8086-8086-000000000001</b:MessageID>)"
           R"(<c:ResourceURI>)" +
           std::string(class_uri) +
           R"(</c:ResourceURI></a:Header>)"
           R"(<a:Body>)" +
           std::string(body) + R"(</a:Body></a:Envelope>)";
}

} // namespace amtcfg::wsman::test
