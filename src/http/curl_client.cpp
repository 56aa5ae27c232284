// http::Client on libcurl's multi interface, so one thread drives curl and a PumpedStream.
#include "amtcfg/http/curl_client.hpp"

#include "curl_api.hpp"
#include "curl_support.hpp"
#include "tls_session.hpp"

#include "amtcfg/util/error.hpp"
#include "amtcfg/util/secret.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace amtcfg::http {
namespace {

// The longest single wait in the event loop; the deadline and curl's own timers cut it short.
constexpr int k_poll_cap_ms = 60'000;

struct EasyDeleter {
    void operator()(CURL* easy) const { libcurl().easy_cleanup(easy); }
};
struct MultiDeleter {
    void operator()(CURLM* multi) const { libcurl().multi_cleanup(multi); }
};
struct ListDeleter {
    void operator()(curl_slist* list) const { libcurl().slist_free_all(list); }
};

class CurlClient final : public Client {
public:
    CurlClient(Endpoint endpoint, Credentials credentials, Log& log, const Deadline& deadline,
               CurlLimits limits);
    ~CurlClient() override;
    CurlClient(const CurlClient&) = delete;
    CurlClient& operator=(const CurlClient&) = delete;

    Response post(const std::string& path, const std::string& body) override;

private:
    void configure();
    CURLcode run_transfer();
    void wait_for_activity();

    static size_t on_body(char* data, size_t size, size_t count, void* self);
    static size_t on_header(char* data, size_t size, size_t count, void* self);
    static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
    static int on_close_socket(void* self, curl_socket_t socket);

    Endpoint m_endpoint;
    Credentials m_credentials;
    Log& m_log;
    const Deadline& m_deadline;
    CurlLimits m_limits;
    std::uint16_t m_stream_port = 0; // the stream's loopback port, when there is a stream
    TlsLink m_tls; // https only; curl's SSL_CTX points here, so it outlives the handles
    // The easy handle lives as long as the client: it keeps the connection (keep-alive) and
    // the digest nonce, so only the first request of a client meets a 401 challenge.
    std::unique_ptr<CURLM, MultiDeleter> m_multi;
    std::unique_ptr<CURL, EasyDeleter> m_easy;
    std::unique_ptr<curl_slist, ListDeleter> m_headers;
    char m_error_text[CURL_ERROR_SIZE] = {};
    Response m_response;
    bool m_body_too_large = false;
    bool m_head_complete = false; // the last response's header block ended with its blank line
};

CurlClient::CurlClient(Endpoint endpoint, Credentials credentials, Log& log,
                       const Deadline& deadline, CurlLimits limits)
    : m_endpoint(std::move(endpoint)), m_credentials(std::move(credentials)), m_log(log),
      m_deadline(deadline), m_limits(limits) {
    if (m_endpoint.scheme == Scheme::https && !m_endpoint.tls) {
        throw Error(ErrorCategory::internal,
                    fmt::format("https to {} without a TLS context", m_endpoint.description));
    }
    if (!m_credentials.password.empty()) {
        m_log.add_secret(m_credentials.password.reveal());
    }
}

CurlClient::~CurlClient() {
    // The multi handle caches the connection; cleaning it up closes it, and one more pump lets
    // the stream end its carrier too (CHANNEL_CLOSE over LME).
    m_multi.reset();
    m_easy.reset();
    if (m_endpoint.stream != nullptr) {
        try {
            m_endpoint.stream->pump();
        } catch (const std::exception& error) {
            m_log.debug("http: closing {} failed: {}", m_endpoint.description, error.what());
        }
    }
}

void CurlClient::configure() {
    m_multi.reset(libcurl().multi_init());
    m_easy.reset(libcurl().easy_init());
    if (!m_multi || !m_easy) {
        throw Error(ErrorCategory::internal, "cannot initialise libcurl");
    }
    CURL* easy = m_easy.get();
    curl_slist* headers = libcurl().slist_append(nullptr, "Content-Type: application/soap+xml; "
                                                          "charset=UTF-8");
    // AMT does not do "Expect: 100-continue"; curl would wait a second for it on large bodies.
    headers = libcurl().slist_append(headers, "Expect:");
    m_headers.reset(headers);
    libcurl().easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    libcurl().easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    libcurl().easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_DIGEST);
    libcurl().easy_setopt(easy, CURLOPT_USERNAME, m_credentials.user.c_str());
    libcurl().easy_setopt(easy, CURLOPT_PASSWORD, m_credentials.password.reveal().c_str());
    libcurl().easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    libcurl().easy_setopt(easy, CURLOPT_PROXY, ""); // http_proxy must never see local AMT traffic
    libcurl().easy_setopt(easy, CURLOPT_NOPROXY, "*");
    libcurl().easy_setopt(easy, CURLOPT_ERRORBUFFER, m_error_text);
    libcurl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlClient::on_body);
    libcurl().easy_setopt(easy, CURLOPT_WRITEDATA, this);
    libcurl().easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlClient::on_header);
    libcurl().easy_setopt(easy, CURLOPT_HEADERDATA, this);
    libcurl().easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                          static_cast<long>(m_limits.connect_timeout_ms));
    libcurl().easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    libcurl().easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                          static_cast<long>(m_limits.stall_timeout_s));
    // Refused at the headers when a Content-Length says so; on_body counts chunked bodies.
    libcurl().easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                          static_cast<curl_off_t>(m_limits.max_body_bytes));
    install_trace(easy, m_log);
    if (m_endpoint.scheme == Scheme::https) {
        m_tls.context = m_endpoint.tls;
        m_tls.log = &m_log;
        m_tls.path = m_endpoint.description;
        configure_tls(easy, m_tls);
    }
    if (m_endpoint.stream != nullptr) {
        // curl dials the stream's loopback port in place of AMT's (on_open_socket rewrites the
        // address); the URL and the Host header stay AMT's. Not CURLOPT_CONNECT_TO: libcurl
        // keys its TLS sessions by the connect-to port too, so each APF channel (a stream with
        // a port of its own) could not resume the others' sessions. Not a socketpair handed
        // over as "already connected": libcurl 7.88 (Debian 12) connect()s such a socket anyway
        // (curl issue #10626); and not a unix socket: 7.88 never reuses those connections,
        // which would cost a handshake each.
        m_stream_port = m_endpoint.stream->local_port();
        libcurl().easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlClient::on_open_socket);
        libcurl().easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
    }
}

Response CurlClient::post(const std::string& path, const std::string& body) {
    m_deadline.check(fmt::format("before posting to {}", m_endpoint.description));
    if (!m_easy) {
        configure();
    }
    std::string url =
        fmt::format("{}://{}:{}{}", m_endpoint.scheme == Scheme::https ? "https" : "http",
                    m_endpoint.host, m_endpoint.port, path);
    CURL* easy = m_easy.get();
    libcurl().easy_setopt(easy, CURLOPT_URL, url.c_str());
    libcurl().easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
    libcurl().easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    // Bodies are not traced here: requests may carry password digests (Setup,
    // AddUserAclEntryEx) and answers may too; the WS-Man layer traces both with secret elements
    // redacted.
    m_log.trace("http: POST {} via {} ({} bytes)", url, m_endpoint.description, body.size());
    m_response = Response{};
    m_body_too_large = false;
    m_head_complete = false;
    m_error_text[0] = '\0';
    m_tls.refused.reset();
    m_tls.setup_failure.clear();
    CURLcode code = run_transfer();
    if (code != CURLE_OK) {
        wipe_string(m_response.body);
        if (std::optional<Error> failure = tls_failure(m_tls, code, m_error_text)) {
            throw *failure;
        }
        if (m_body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
            throw Error(ErrorCategory::amt_unavailable,
                        fmt::format("the answer through {} is larger than {} bytes, more than AMT "
                                    "ever sends; amtcfg stopped reading it",
                                    m_endpoint.description, m_limits.max_body_bytes));
        }
        throw curl_failure(code, m_error_text, m_endpoint.description, m_deadline);
    }
    // libcurl takes a connection closed inside the header block as the end of the response;
    // such a half answer (a 401 without its end, say) must not pass for AMT's.
    if (!m_head_complete) {
        wipe_string(m_response.body);
        throw Error(ErrorCategory::wsman_unreachable,
                    fmt::format("cannot talk to AMT through {}: the connection closed before "
                                "AMT's answer was complete",
                                m_endpoint.description));
    }
    long status = 0;
    libcurl().easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    m_response.status = static_cast<int>(status);
    m_log.trace("http: {} {} ({} bytes)", m_response.status, m_response.content_type,
                m_response.body.size());
    return std::move(m_response);
}

CURLcode CurlClient::run_transfer() {
    CURLM* multi = m_multi.get();
    libcurl().multi_add_handle(multi, m_easy.get());
    CURLcode result = CURLE_OK;
    try {
        if (m_endpoint.stream != nullptr) {
            m_endpoint.stream->pump(); // notice a close that AMT sent after the last response
        }
        int running = 1;
        while (running > 0) {
            libcurl().multi_perform(multi, &running);
            if (m_endpoint.stream != nullptr) {
                m_endpoint.stream->pump();
            }
            if (running > 0) {
                wait_for_activity();
            }
        }
        int left = 0;
        while (CURLMsg* message = libcurl().multi_info_read(multi, &left)) {
            if (message->msg == CURLMSG_DONE) {
                result = message->data.result;
            }
        }
    } catch (const Error& error) {
        libcurl().multi_remove_handle(multi, m_easy.get());
        if (error.category() == ErrorCategory::timed_out) {
            throw;
        }
        throw error.with_context(
            fmt::format("cannot reach AMT through {}", m_endpoint.description));
    } catch (...) {
        libcurl().multi_remove_handle(multi, m_easy.get());
        throw;
    }
    libcurl().multi_remove_handle(multi, m_easy.get());
    return result;
}

void CurlClient::wait_for_activity() {
    m_deadline.check(fmt::format("waiting for AMT's answer through {}", m_endpoint.description));
    std::vector<pollfd> ours;
    if (m_endpoint.stream != nullptr) {
        m_endpoint.stream->add_wait_descriptors(ours);
    }
    std::vector<curl_waitfd> extra;
    for (const pollfd& entry : ours) {
        extra.push_back({entry.fd, entry.events, 0});
    }
    int ready = 0;
    libcurl().multi_poll(m_multi.get(), extra.data(), static_cast<unsigned>(extra.size()),
                         m_deadline.remaining_ms(k_poll_cap_ms), &ready);
}

size_t CurlClient::on_body(char* data, size_t size, size_t count, void* self) {
    auto* client = static_cast<CurlClient*>(self);
    std::string& body = client->m_response.body;
    if (size * count > client->m_limits.max_body_bytes - body.size()) {
        client->m_body_too_large = true;
        return 0; // curl ends the transfer with CURLE_WRITE_ERROR
    }
    append_wiping_old(body, std::string_view(data, size * count));
    return size * count;
}

size_t CurlClient::on_header(char* data, size_t size, size_t count, void* self) {
    auto* client = static_cast<CurlClient*>(self);
    switch (
        note_header_line(std::string_view(data, size * count), client->m_response.content_type)) {
    case HeaderLine::status: // a new response (after a 401, for example)
        client->m_head_complete = false;
        break;
    case HeaderLine::end_of_head:
        client->m_head_complete = true;
        break;
    case HeaderLine::field:
        break;
    }
    return size * count;
}

// Creates the socket curl connects with, as curl would, points it at the stream's loopback
// port (curl connects to the address as this callback leaves it) and tells the stream to expect
// it. The endpoint's host is 127.0.0.1, so the address is IPv4.
curl_socket_t CurlClient::on_open_socket(void* self, curlsocktype, curl_sockaddr* address) {
    auto* client = static_cast<CurlClient*>(self);
    if (address->family != AF_INET || address->addrlen < sizeof(sockaddr_in)) {
        client->m_log.debug("http: {} is reached through 127.0.0.1 only",
                            client->m_endpoint.description);
        return CURL_SOCKET_BAD;
    }
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    target.sin_port = htons(client->m_stream_port);
    std::memcpy(&address->addr, &target, sizeof target); // the sockaddr API: bytes of a struct
    address->addrlen = sizeof target;
    int socket = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (socket >= 0) {
        client->m_endpoint.stream->expect_client(socket);
    }
    return socket;
}

} // namespace

std::unique_ptr<Client> make_curl_client(Endpoint endpoint, Credentials credentials, Log& log,
                                         const Deadline& deadline, CurlLimits limits) {
    return std::make_unique<CurlClient>(std::move(endpoint), std::move(credentials), log, deadline,
                                        limits);
}

} // namespace amtcfg::http
