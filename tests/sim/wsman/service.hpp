// The simulated AMT's WS-Man service: one HTTP request in, one response out, with digest
// auth, the SOAP dispatcher, injected faults and latency, and call counters.
#pragma once

#include "wsman/classes.hpp"
#include "wsman/digest.hpp"
#include "wsman/http_message.hpp"
#include "wsman/soap.hpp"
#include "wsman/state.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace amtcfg::sim {

// The WS-Man and LME faults of DESIGN.md section 3. METHOD is a method name ("Setup"),
// "Class.Method", or "Class.Get" / "Class.Put" / "Class.Enumerate" / "Class.Pull".
struct WsmanFaults {
    std::set<std::string, std::less<>> http500;
    std::set<std::string, std::less<>> soap_fault;
    std::set<std::string, std::less<>> drop;
    std::map<std::string, std::uint32_t, std::less<>> return_value;
    bool digest_stale = false;
    bool no_lme = false;
    std::uint32_t latency_ms = 0; // --latency-wsman, per WS-Man call

    // Takes one --fault SPEC; false when SPEC is not one of these (an ME-side fault).
    // Throws std::invalid_argument for a malformed spec of one of these kinds.
    bool add(std::string_view spec);
};

struct WsmanStats {
    std::uint64_t http_requests = 0;
    std::uint64_t wsman_calls = 0;     // authenticated SOAP requests dispatched
    std::uint64_t auth_challenges = 0; // 401 answers
    std::uint64_t apf_handshakes = 0;  // counted by the APF server
    std::uint64_t apf_channels = 0;
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
};

class WsmanService {
public:
    WsmanService(AmtState &state, WsmanFaults faults, Environment env);

    ServiceReply handle(const HttpRequest &request);
    // One complete request's bytes in, the response's bytes out (tests, simple callers).
    std::string handle_bytes(std::string_view request_bytes);
    WsmanStats stats() const;
    void count_apf_handshake();
    void count_apf_channel();
    const WsmanFaults &faults() const { return m_faults; }
    // Serialises access to the device between threads (LMS listener, MEI side).
    std::recursive_mutex &mutex() { return m_mutex; }
    SetupScratch &scratch() { return m_scratch; }

private:
    ServiceReply dispatch(const HttpRequest &request, const std::string &user);
    SoapBody operate(CallContext &context, const ClassSpec &spec);
    std::string invoke(CallContext &context, const ClassSpec &spec);
    std::map<std::string, std::string> accounts() const;
    ServiceReply unauthorized(AuthOutcome outcome);
    ServiceReply finish(HttpResponse response, const std::string &fault_key);

    AmtState &m_state;
    WsmanFaults m_faults;
    Environment m_env;
    DigestAuthority m_digest;
    EnvelopeWriter m_writer;
    SetupScratch m_scratch;
    WsmanStats m_stats;
    mutable std::recursive_mutex m_mutex;
};

} // namespace amtcfg::sim
