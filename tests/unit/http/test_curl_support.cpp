// amtcfg's own HTTP header handling: header lookup, Content-Type tracking, trace redaction.
#include "curl_support.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace amtcfg;
using namespace amtcfg::http;

TEST_CASE("header_value: the trimmed value of a header, by case-insensitive name", "[unit]") {
    CHECK(header_value("Content-Type: text/xml\r\n", "content-type") == "text/xml");
    CHECK(header_value("CONTENT-TYPE:\ttext/xml ; a=b \t\r\n", "content-type") == "text/xml ; a=b");
    CHECK(header_value("Content-Type text/xml\r\n", "content-type") == std::nullopt);
    CHECK(header_value("Content-Typo: text/xml\r\n", "content-type") == std::nullopt);
    CHECK(header_value("Content-Type", "content-type") == std::nullopt);
    CHECK(header_value("Content-Type:", "content-type") == "");
}

TEST_CASE("header_value: a value of only white space is empty (fuzz crash 82976b84)", "[unit]") {
    // It came back as "\r": the front was trimmed of blanks only, the back of CR/LF too.
    CHECK(header_value("Content-Type: \r\n", "content-type") == "");
    CHECK(header_value("Content-Type:\r", "content-type") == "");
    CHECK(header_value("Content-Type: \t \n", "content-type") == "");
}

TEST_CASE("note_header_line: Content-Type of the last response only", "[unit]") {
    std::string content_type;
    note_header_line("HTTP/1.1 401 Unauthorized\r\n", content_type);
    note_header_line("Content-Type: text/html\r\n", content_type);
    CHECK(content_type == "text/html");
    note_header_line("HTTP/1.1 200 OK\r\n", content_type);
    CHECK(content_type.empty());
    note_header_line("Content-Type: application/soap+xml; charset=UTF-8\r\n", content_type);
    note_header_line("Content-Length: 10\r\n", content_type);
    CHECK(content_type == "application/soap+xml; charset=UTF-8");
}

TEST_CASE("note_header_line: says which line starts and which ends a response's head", "[unit]") {
    std::string content_type;
    CHECK(note_header_line("HTTP/1.1 200 OK\r\n", content_type) == HeaderLine::status);
    CHECK(note_header_line("Content-Length: 10\r\n", content_type) == HeaderLine::field);
    CHECK(note_header_line("\r\n", content_type) == HeaderLine::end_of_head);
    CHECK(note_header_line("\n", content_type) == HeaderLine::end_of_head);
    CHECK(note_header_line(" \r\n", content_type) == HeaderLine::field);
}

TEST_CASE("redact_headers: Authorization values never reach the trace", "[unit]") {
    std::string shown =
        redact_headers("POST /wsman HTTP/1.1\r\n"
                       "authorization: Digest username=\"admin\", response=\"ab\"\r\n"
                       "Host: 127.0.0.1:16992\r\n\r\n");
    CHECK(shown == "POST /wsman HTTP/1.1\r\nAuthorization: (redacted)\r\nHost: 127.0.0.1:16992");
    CHECK(shown.find("admin") == std::string::npos);
}

TEST_CASE("redact_headers: a proxy's Basic credentials never reach the trace", "[unit]") {
    std::string shown = redact_headers("CONNECT rps.example:443 HTTP/1.1\r\n"
                                       "Proxy-Authorization: Basic dXNlcjpwYTU1\r\n\r\n");
    CHECK(shown == "CONNECT rps.example:443 HTTP/1.1\r\nProxy-Authorization: (redacted)");
}

TEST_CASE("curl_failure: TLS failures are tls_failed with libcurl's reason", "[unit]") {
    Deadline deadline;
    for (CURLcode code : {CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
                          CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER}) {
        Error error = curl_failure(code, "OpenSSL says why", "LMS at 127.0.0.1:16993", deadline);
        CHECK(error.category() == ErrorCategory::tls_failed);
        CHECK_THAT(error.what(), Catch::StartsWith("cannot talk to AMT through LMS at "
                                                   "127.0.0.1:16993: ") &&
                                     Catch::EndsWith(" (OpenSSL says why)"));
    }
    CHECK(curl_failure(CURLE_COULDNT_CONNECT, "refused", "LMS", deadline).category() ==
          ErrorCategory::wsman_unreachable);
}
