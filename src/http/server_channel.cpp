// connect_server(): a libcurl CONNECT_ONLY connection to a provisioning server as a ByteChannel.
//
// libcurl 7.88 (Debian 12) has no ws/wss scheme, so it is given http:// or https:// for the same
// host and port: it resolves, connects, tunnels through a proxy (CURLOPT_HTTPPROXYTUNNEL: always
// CONNECT, also for ws) with the proxy's authentication, and does TLS with verification; then
// amtcfg speaks its own protocol with curl_easy_send / curl_easy_recv on the socket it polls.
#include "amtcfg/http/server_channel.hpp"

#include "curl_api.hpp"
#include "curl_support.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <span>

namespace amtcfg::http {
namespace {

constexpr int k_connect_cap_ms = 30'000; // without --timeout, connecting ends after this
constexpr int k_wait_cap_ms = 60'000;    // one poll() at most
constexpr std::size_t k_read_chunk = 16 * 1024;
constexpr std::size_t k_max_read = 1024 * 1024; // per receive(): the caller gets its turn

// The CURLcode -> Error table for connections to a provisioning server (the one for AMT is in
// curl_support.cpp: other categories, other words).
constexpr std::array k_server_errors{
    CurlErrorEntry{CURLE_COULDNT_RESOLVE_HOST, ErrorCategory::server_unreachable,
                   "cannot resolve the server's name"},
    CurlErrorEntry{CURLE_COULDNT_RESOLVE_PROXY, ErrorCategory::server_unreachable,
                   "cannot resolve the proxy's name"},
    CurlErrorEntry{CURLE_COULDNT_CONNECT, ErrorCategory::server_unreachable, "cannot connect"},
    CurlErrorEntry{CURLE_OPERATION_TIMEDOUT, ErrorCategory::server_unreachable,
                   "no connection within 30 seconds"},
    CurlErrorEntry{CURLE_RECV_ERROR, ErrorCategory::server_unreachable, "the connection dropped"},
    CurlErrorEntry{CURLE_SEND_ERROR, ErrorCategory::server_unreachable, "the connection dropped"},
    CurlErrorEntry{CURLE_GOT_NOTHING, ErrorCategory::server_unreachable,
                   "the connection closed without an answer"},
    CurlErrorEntry{CURLE_WEIRD_SERVER_REPLY, ErrorCategory::server_unreachable,
                   "the proxy's answer is not HTTP"},
    CurlErrorEntry{CURLE_PEER_FAILED_VERIFICATION, ErrorCategory::tls_failed,
                   "the server's certificate was not accepted"},
    CurlErrorEntry{CURLE_SSL_CONNECT_ERROR, ErrorCategory::tls_failed, "the TLS handshake failed"},
    CurlErrorEntry{CURLE_SSL_CACERT_BADFILE, ErrorCategory::tls_failed,
                   "cannot read the CA file given with --server-ca"},
    CurlErrorEntry{CURLE_SSL_ISSUER_ERROR, ErrorCategory::tls_failed,
                   "the server's certificate has the wrong issuer"},
    CurlErrorEntry{CURLE_SSL_CIPHER, ErrorCategory::tls_failed,
                   "no TLS cipher in common with the server"},
};

struct EasyDeleter {
    void operator()(CURL* easy) const { libcurl().easy_cleanup(easy); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct ProxyUrl {
    std::string shown;    // without user name and password
    std::string password; // for the log's redaction; empty when none
};

ProxyUrl split_proxy(std::string_view proxy) {
    std::size_t start = proxy.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    std::size_t end = proxy.find_first_of("/?#", start);
    std::string_view authority =
        proxy.substr(start, end == std::string_view::npos ? end : end - start);
    std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return {std::string(proxy), {}};
    }
    std::string_view user_info = authority.substr(0, at);
    std::size_t colon = user_info.find(':');
    ProxyUrl out;
    out.shown = std::string(proxy.substr(0, start)) + std::string(authority.substr(at + 1)) +
                std::string(end == std::string_view::npos ? "" : proxy.substr(end));
    if (colon != std::string_view::npos) {
        out.password = std::string(user_info.substr(colon + 1));
    }
    return out;
}

const char* environment(const char* name) {
    const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read before threads
    return value != nullptr && value[0] != '\0' ? value : nullptr;
}

// Whether libcurl's no_proxy rule (a comma-separated list of host names, domain suffixes and
// addresses, or "*") exempts `host`; used only to name the way in messages.
bool exempt_from_proxy(std::string_view host) {
    const char* list = environment("no_proxy");
    list = list != nullptr ? list : environment("NO_PROXY");
    std::string_view rest = list != nullptr ? list : "";
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view entry = rest.substr(0, comma);
        entry.remove_prefix(std::min(entry.find_first_not_of(' '), entry.size()));
        entry = entry.substr(0, entry.find_last_not_of(' ') + 1);
        if (entry.starts_with('.')) {
            entry.remove_prefix(1);
        }
        if (entry == "*" || host == entry ||
            (host.size() > entry.size() && host.ends_with(entry) &&
             host[host.size() - entry.size() - 1] == '.' && !entry.empty())) {
            return true;
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
}

// The proxy libcurl will use, as libcurl picks it: --proxy, else for https:// URLs https_proxy
// or HTTPS_PROXY, for http:// only the lower-case http_proxy, then all_proxy or ALL_PROXY; none
// when no_proxy exempts the host. Returns "" for a direct connection.
std::string proxy_in_use(const ServerOptions& options, ProxyUrl& proxy) {
    if (options.proxy && options.proxy->empty()) {
        return "";
    }
    if (exempt_from_proxy(options.url.host)) {
        return "";
    }
    if (options.proxy) {
        proxy = split_proxy(*options.proxy);
        return " through proxy " + proxy.shown;
    }
    static constexpr std::array<const char*, 4> k_secure{"https_proxy", "HTTPS_PROXY", "all_proxy",
                                                         "ALL_PROXY"};
    static constexpr std::array<const char*, 3> k_plain{"http_proxy", "all_proxy", "ALL_PROXY"};
    std::span<const char* const> names = options.url.secure()
                                             ? std::span<const char* const>(k_secure)
                                             : std::span<const char* const>(k_plain);
    for (const char* name : names) {
        if (const char* value = environment(name)) {
            proxy = split_proxy(value);
            return fmt::format(" through proxy {} (from {})", proxy.shown, name);
        }
    }
    return "";
}

class CurlServerChannel final : public ByteChannel {
public:
    CurlServerChannel(Easy easy, curl_socket_t socket, std::string description,
                      const Deadline& deadline)
        : m_easy(std::move(easy)), m_socket(socket), m_description(std::move(description)),
          m_deadline(deadline) {}

    void send(std::string_view bytes) override {
        while (!bytes.empty()) {
            std::size_t sent = 0;
            CURLcode code = libcurl().easy_send(m_easy.get(), bytes.data(), bytes.size(), &sent);
            if (code == CURLE_OK) {
                bytes.remove_prefix(sent);
                continue;
            }
            if (code != CURLE_AGAIN) {
                throw dropped("sending", code);
            }
            m_deadline.check("sending to " + m_description);
            wait_for(POLLOUT, m_deadline.remaining_ms(k_wait_cap_ms));
        }
    }

    bool receive(std::string& out, int timeout_ms) override {
        if (m_ended) {
            return false;
        }
        if (read_available(out) > 0) {
            return true;
        }
        if (m_ended || timeout_ms == 0) {
            return !m_ended;
        }
        int wait_ms = m_deadline.remaining_ms(k_wait_cap_ms);
        if (timeout_ms > 0) {
            wait_ms = std::min(wait_ms, timeout_ms);
        }
        if (wait_ms > 0 && wait_for(POLLIN, wait_ms) && read_available(out) > 0) {
            return true;
        }
        return !m_ended;
    }

    void add_wait_descriptors(std::vector<pollfd>& out) const override {
        out.push_back(pollfd{m_socket, POLLIN, 0});
    }

    std::string describe() const override { return m_description; }

private:
    // Reads what libcurl has (TLS may hold decrypted bytes the socket no longer shows) into
    // `out` directly; notes the end of the stream.
    std::size_t read_available(std::string& out) {
        std::size_t total = 0;
        while (total < k_max_read) {
            std::size_t old_size = out.size();
            out.resize(old_size + k_read_chunk);
            std::size_t count = 0;
            CURLcode code =
                libcurl().easy_recv(m_easy.get(), out.data() + old_size, k_read_chunk, &count);
            out.resize(old_size + (code == CURLE_OK ? count : 0));
            if (code == CURLE_AGAIN) {
                break;
            }
            if (code != CURLE_OK) {
                throw dropped("receiving", code);
            }
            if (count == 0) {
                m_ended = true;
                break;
            }
            total += count;
        }
        return total;
    }

    bool wait_for(short events, int wait_ms) const {
        pollfd entry{m_socket, events, 0};
        int ready = 0;
        do {
            ready = ::poll(&entry, 1, wait_ms);
        } while (ready < 0 && errno == EINTR);
        return ready > 0;
    }

    Error dropped(std::string_view doing, CURLcode code) const {
        return Error(ErrorCategory::server_unreachable,
                     fmt::format("the connection to {} failed while {}: {}", m_description, doing,
                                 libcurl().easy_strerror(code)));
    }

    Easy m_easy;
    curl_socket_t m_socket;
    std::string m_description;
    const Deadline& m_deadline;
    bool m_ended = false;
};

Error connect_failure(CURL* easy, CURLcode code, const char* detail, const std::string& target,
                      bool proxy_credentials, int budget_ms, const Deadline& deadline) {
    if (deadline.expired() || (code == CURLE_OPERATION_TIMEDOUT && budget_ms < k_connect_cap_ms)) {
        return Error(
            ErrorCategory::timed_out,
            fmt::format("timed out connecting to {} (the --timeout limit was reached)", target));
    }
    long connect_code = 0;
    libcurl().easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
    if (connect_code >= 300) {
        std::string_view hint;
        // 407 asks for credentials; with wrong ones some proxies (tinyproxy) answer 401.
        if (proxy_credentials && (connect_code == 407 || connect_code == 401)) {
            hint = " (it did not accept the credentials of the proxy URL)";
        } else if (connect_code == 407) {
            hint = " (it wants credentials: http://user:password@proxy:port)";
        }
        return Error(ErrorCategory::server_unreachable,
                     fmt::format("cannot connect to {}: the proxy refused the tunnel with HTTP "
                                 "status {}{}",
                                 target, connect_code, hint));
    }
    std::string reason =
        detail != nullptr && detail[0] != '\0' ? detail : libcurl().easy_strerror(code);
    const CurlErrorEntry* entry = find_curl_error(k_server_errors, code);
    if (entry == nullptr) {
        return Error(ErrorCategory::server_unreachable,
                     fmt::format("cannot connect to {}: {}", target, reason));
    }
    return Error(entry->category,
                 fmt::format("cannot connect to {}: {} ({})", target, entry->what, reason));
}

void set_options(CURL* easy, const ServerOptions& options, int budget_ms) {
    const CurlApi& curl = libcurl();
    const ServerUrl& url = options.url;
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    std::string curl_url =
        fmt::format("{}://{}:{}/", url.secure() ? "https" : "http", host, url.port);
    curl.easy_setopt(easy, CURLOPT_URL, curl_url.c_str()); // libcurl copies strings
    curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
    curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
    curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(budget_ms));
    curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(budget_ms));
    if (options.proxy) {
        curl.easy_setopt(easy, CURLOPT_PROXY, options.proxy->c_str());
    }
    if (!url.secure()) {
        return;
    }
    if (options.insecure) {
        curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options.ca_file.empty()) {
            curl.easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
        }
    }
}

} // namespace

std::unique_ptr<ByteChannel> connect_server(const ServerOptions& options, const Deadline& deadline,
                                            Log& log) {
    const ServerUrl& url = options.url;
    ProxyUrl proxy;
    std::string way = proxy_in_use(options, proxy);
    if (!proxy.password.empty()) {
        log.add_secret(proxy.password);
    }
    std::string target = fmt::format("{}://{}{}{}", url.scheme, url.host_header(), url.path, way);
    deadline.check("before connecting to " + target);
    const CurlApi& curl = libcurl();
    Easy easy(curl.easy_init());
    if (!easy) {
        throw Error(ErrorCategory::internal, "cannot initialise libcurl");
    }
    int budget_ms = std::max(1, deadline.remaining_ms(k_connect_cap_ms));
    set_options(easy.get(), options, budget_ms);
    char error_text[CURL_ERROR_SIZE] = {};
    curl.easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_text);
    install_trace(easy.get(), log);
    log.debug("server: connecting to {}", target);
    CURLcode code = curl.easy_perform(easy.get());
    curl.easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    if (code != CURLE_OK) {
        throw connect_failure(easy.get(), code, error_text, target, !proxy.password.empty(),
                              budget_ms, deadline);
    }
    curl_socket_t socket = CURL_SOCKET_BAD;
    if (curl.easy_getinfo(easy.get(), CURLINFO_ACTIVESOCKET, &socket) != CURLE_OK ||
        socket == CURL_SOCKET_BAD) {
        throw Error(ErrorCategory::server_unreachable,
                    fmt::format("cannot connect to {}: libcurl kept no connection", target));
    }
    log.debug("server: connected to {}", target);
    return std::make_unique<CurlServerChannel>(std::move(easy), socket, target, deadline);
}

} // namespace amtcfg::http
