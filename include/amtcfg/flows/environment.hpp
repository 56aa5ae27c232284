// What the configuration flows run against: the ME, WS-Man sessions, the OS, the clock.
#pragma once

#include "amtcfg/http/client.hpp"
#include "amtcfg/http/tls.hpp"
#include "amtcfg/mei/transport.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"

#include <array>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amtcfg::flows {

// The host's own view of itself, for hostname and IP synchronisation.
struct OsAddress {
    std::string ip;
    std::string subnet_mask;
    std::string gateway;
    std::string primary_dns;
    std::string secondary_dns;
};

class OsInfo {
public:
    virtual ~OsInfo() = default;
    virtual std::string hostname() = 0; // the short host name, without the domain
    virtual std::string domain() = 0;   // the DNS domain, or empty
    // The IPv4 configuration of the interface with this MAC address, if there is one.
    virtual std::optional<OsAddress> address_of(const std::array<std::uint8_t, 6>& mac) = 0;
};

// Opens an HTTP client to local AMT's WS-Man service that authenticates as `user`; the
// transport (LMS or the APF tunnel) is the opener's business.
using WsmanOpener =
    std::function<std::unique_ptr<http::Client>(std::string_view user, const Secret& password)>;

// How amtcfg verifies AMT's TLS certificate (the global options of the same names).
struct AmtTlsOptions {
    std::string ondie_root_file; // --amt-ondie-root: replaces Intel's root (labs, tests)
    std::string ca_file;         // --amt-ca: trust anchors for a provisioned AMT
    bool insecure = false;       // --amt-insecure: accept a certificate that cannot be verified
};

struct Environment {
    mei::Device& device;
    Log& log;
    const Deadline& deadline;
    WsmanOpener open_wsman;
    OsInfo& os;
    std::function<std::time_t()> now;     // the wall clock (Unix seconds)
    std::function<Secret()> new_password; // a strong random AMT password
    // Progress lines for a person on long steps; may be empty.
    std::function<void(std::string_view)> progress;
    // AMT that enforces TLS on its local ports (AMT 19+): WS-Man sessions opened after this call
    // speak TLS to port 16993 with the context (null: plain HTTP to 16992); returns the context
    // used before. Empty where no WS-Man is opened.
    std::function<std::shared_ptr<http::TlsContext>(std::shared_ptr<http::TlsContext>)> use_tls;
    AmtTlsOptions tls;
    // Whether AMT takes only TLS on its local ports, as far as the transport can tell (over
    // LME, which ports AMT forwards). Empty: unknown.
    std::function<bool()> local_tls_only;
};

} // namespace amtcfg::flows
