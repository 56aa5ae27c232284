// A raw connection to a provisioning server through libcurl (CURLOPT_CONNECT_ONLY): libcurl
// resolves, connects, tunnels through an HTTP proxy with CONNECT (and its authentication) and
// does TLS with certificate verification; the caller speaks its own protocol on top (amtcfg's
// WebSocket client).
#pragma once

#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::http {

// A server URL taken apart: ws, wss (and http, https for completeness); host in brackets for
// IPv6; port defaulted from the scheme; path with its query, "/" when empty.
struct ServerUrl {
    std::string scheme; // "ws" or "wss" ("http"/"https" are taken as ws/wss)
    std::string host;   // as written, without brackets
    std::uint16_t port = 0;
    std::string path;
    bool secure() const { return scheme == "wss"; }
    // "host" or "host:port" when the port is not the scheme's default; brackets for IPv6.
    std::string host_header() const;
};
// Throws Error(usage) naming what is wrong ("--server: ...").
ServerUrl parse_server_url(std::string_view text);

struct ServerOptions {
    ServerUrl url;
    // --proxy URL. Nothing: libcurl reads https_proxy / http_proxy / all_proxy / no_proxy from
    // the environment (for a wss URL, https_proxy). Proxy credentials may be in the URL
    // (user:password@host); they are never logged.
    std::optional<std::string> proxy;
    std::string ca_file;   // --server-ca: trust these anchors instead of the system store
    bool insecure = false; // --server-insecure: no verification of the server (warned about)
};

// Connects (ws: TCP; wss: TLS with verification of the chain and the host name) and returns
// the connection; through a proxy, a CONNECT tunnel is always used, also for ws. Failures:
// Error(server_unreachable) with the URL, the proxy if any, and libcurl's reason (resolve,
// refused, proxy refused CONNECT with its status); Error(tls_failed) when the server's
// certificate fails verification, with the reason; Error(timed_out).
std::unique_ptr<ByteChannel> connect_server(const ServerOptions& options, const Deadline& deadline,
                                            Log& log);

} // namespace amtcfg::http
