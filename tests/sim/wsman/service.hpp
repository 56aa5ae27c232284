// The simulated AMT's WS-Man service: one HTTP request in, one response out, with digest
// auth, the SOAP dispatcher, injected faults and latency, and call counters.
#pragma once

#include "device.hpp"
#include "faults.hpp"
#include "wsman/classes.hpp"
#include "wsman/digest.hpp"
#include "wsman/http_message.hpp"
#include "wsman/soap.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace amtcfg::sim {

class TlsServer;

// Armed faults by target (METHOD, or an APF fault's name), each with its CODE or MS and how
// often it may still fire (`SPEC*N`).
class FaultTargets {
public:
    // `times` 0: fires every time.
    void insert(std::string target, std::uint32_t value = 0, unsigned long times = 0);
    // Whether `target` would fire now, and its value; fire() also uses one firing up.
    std::optional<std::uint32_t> peek(std::string_view target) const;
    std::optional<std::uint32_t> fire(std::string_view target);
    bool contains(std::string_view target) const { return peek(target).has_value(); }
    bool empty() const { return m_entries.empty(); }
    void merge(const FaultTargets& other);

private:
    struct Entry {
        std::uint32_t value = 0;
        unsigned long times = 0; // 0 = unlimited
        unsigned long fired = 0;
    };
    std::map<std::string, Entry, std::less<>> m_entries;
};

// The WS-Man and LME faults of DESIGN.md section 3. METHOD is a method name ("Setup"),
// "Class.Method", or "Class.Get" / "Class.Put" / "Class.Enumerate" / "Class.Pull".
struct WsmanFaults {
    FaultTargets http500;
    FaultTargets soap_fault;
    FaultTargets drop;
    FaultTargets return_value;
    FaultTargets delay_ms; // wsman-delay, on top of latency
    FaultTargets apf;      // "apf-open-failure", "apf-early-close", "apf-stall"
    FaultTargets tls;      // "tls-bad-chain", "tls-drop-after-commit"
    bool digest_stale = false;
    bool no_lme = false;
    std::uint32_t latency_ms = 0; // --latency-wsman, per WS-Man call
};

// The WS-Man part of the parsed --fault list (faults.hpp) plus --latency-wsman.
WsmanFaults wsman_faults(const FaultList& faults, std::uint32_t latency_ms);

struct WsmanStats {
    std::uint64_t http_requests = 0;
    std::uint64_t wsman_calls = 0;     // authenticated SOAP requests dispatched
    std::uint64_t auth_challenges = 0; // 401 answers
    std::uint64_t apf_handshakes = 0;  // counted by the APF server
    std::uint64_t apf_channels = 0;
    std::uint64_t tls_full_handshakes = 0;    // counted by the TLS server (server side)
    std::uint64_t tls_resumed_handshakes = 0; // sessions resumed (TLS 1.2 ids, 1.3 tickets)
    std::uint64_t tls_failed_handshakes = 0;  // alerts: no or a refused client certificate
    std::uint64_t tls_refused_plain = 0;      // connections whose first byte was not TLS
    // Dispatched calls by "Class.Operation" (the fault spec names), for the bench's breakdown.
    std::map<std::string, std::uint64_t> operations;
};

// A response body and the namespaces its `g` and `h` prefixes stand for.
struct SoapBody {
    std::string g_ns;
    std::string h_ns;
    std::string body;
};

struct ServiceReply {
    std::string bytes; // the serialised HTTP response (truncated when dropped)
    bool close = false;
    bool abort = false; // the connection dies without a clean end (no TLS close_notify)
};

// What the transport knows about the client of one connection.
struct ConnectionInfo {
    bool tls = false;
    // A client certificate that passed the Secure Host-Based Configuration check (the hash
    // from StartConfigurationHBased, a chain to a trusted root): the LSA may log on over it.
    bool shbc_client = false;
};

class WsmanService {
public:
    // The service works on `model` (shared with the MEI side) under the model's lock.
    WsmanService(DeviceModel& model, WsmanFaults faults, Environment env);

    ServiceReply handle(const HttpRequest& request, const ConnectionInfo& peer = {});
    // One complete request's bytes in, the response's bytes out (tests, simple callers).
    std::string handle_bytes(std::string_view request_bytes);
    WsmanStats stats() const;
    void count_apf_handshake();
    void count_apf_channel();
    enum class TlsEvent { full, resumed, failed, refused_plain };
    void count_tls(TlsEvent event);
    // Uses up one firing of the APF fault `name` ("apf-stall"); false when it is not armed.
    bool fire_apf_fault(std::string_view name);
    // Whether the TLS fault `name` ("tls-bad-chain") is armed; it is not used up.
    bool tls_fault_armed(std::string_view name) const;
    const WsmanFaults& faults() const { return m_faults; }
    DeviceModel& model() { return m_model; }
    const Environment& environment() const { return m_env; }
    // The device's TLS server (port 16993), when TLS material was given; not owned.
    void set_tls(TlsServer* tls) { m_tls = tls; }
    TlsServer* tls() const { return m_tls; }
    SetupScratch scratch() const;

private:
    ServiceReply dispatch(DeviceState& state, const HttpRequest& request, const std::string& user);
    // --latency-wsman plus the wsman-delay of this request's METHOD.
    std::uint32_t delay_of(const HttpRequest& request);
    // The first armed fault of `targets` for "Class.Op", then for "Op"; fires it.
    static std::optional<std::uint32_t> fire(FaultTargets& targets, const std::string& cls,
                                             const std::string& op);
    SoapBody operate(CallContext& context, const ClassSpec& spec);
    std::string invoke(CallContext& context, const ClassSpec& spec);
    ServiceReply unauthorized(AuthOutcome outcome, const std::string& version);
    ServiceReply finish(HttpResponse response, bool drop);

    DeviceModel& m_model;
    WsmanFaults m_faults;
    Environment m_env;
    DigestAuthority m_digest;
    EnvelopeWriter m_writer;
    SetupScratch m_scratch;
    WsmanStats m_stats;
    TlsServer* m_tls = nullptr;
    mutable std::mutex m_mutex; // the service's own state; taken before the model's lock
};

} // namespace amtcfg::sim
