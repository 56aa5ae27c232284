// The simulated WS-Man service: authentication, fault injection and the HTTP envelope around
// the SOAP dispatcher (dispatcher.cpp).
#include "wsman/service.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace amtcfg::sim {
namespace {

constexpr std::string_view k_401_body =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html><head>"
    "<title>Intel&reg; Active Management Technology</title></head><body>"
    "<h2>Log on failed</h2><p>Incorrect user name or password, or the account is temporarily "
    "locked. Try again.</p></body></html>\n";

} // namespace

Environment real_environment() {
    Environment env;
    env.now = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    env.sleep_ms = [](std::uint32_t ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms)); // injected latency only
    };
    env.random = [](std::size_t count) {
        std::vector<std::uint8_t> bytes(count);
        RAND_bytes(bytes.data(), static_cast<int>(count));
        return bytes;
    };
    return env;
}

void FaultTargets::insert(std::string target, std::uint32_t value, unsigned long times) {
    m_entries[std::move(target)] = Entry{value, times, 0};
}

std::optional<std::uint32_t> FaultTargets::peek(std::string_view target) const {
    auto found = m_entries.find(target);
    if (found == m_entries.end() ||
        (found->second.times != 0 && found->second.fired >= found->second.times)) {
        return std::nullopt;
    }
    return found->second.value;
}

std::optional<std::uint32_t> FaultTargets::fire(std::string_view target) {
    auto value = peek(target);
    if (value) {
        ++m_entries.find(target)->second.fired;
    }
    return value;
}

void FaultTargets::merge(const FaultTargets& other) {
    for (const auto& [target, entry] : other.m_entries) {
        m_entries.emplace(target, entry);
    }
}

WsmanFaults wsman_faults(const FaultList& faults, std::uint32_t latency_ms) {
    WsmanFaults out;
    out.latency_ms = latency_ms;
    for (const auto& fault : faults.all()) {
        auto value = static_cast<std::uint32_t>(fault.value);
        switch (fault.kind) {
        case FaultKind::wsman_http500:
            out.http500.insert(fault.target, 0, fault.times);
            break;
        case FaultKind::wsman_fault:
            out.soap_fault.insert(fault.target, 0, fault.times);
            break;
        case FaultKind::wsman_drop:
            out.drop.insert(fault.target, 0, fault.times);
            break;
        case FaultKind::wsman_return:
            out.return_value.insert(fault.target, value, fault.times);
            break;
        case FaultKind::wsman_delay:
            out.delay_ms.insert(fault.target, value, fault.times);
            break;
        case FaultKind::apf_open_failure:
            out.apf.insert("apf-open-failure", 0, fault.times);
            break;
        case FaultKind::apf_early_close:
            out.apf.insert("apf-early-close", 0, fault.times);
            break;
        case FaultKind::apf_stall:
            out.apf.insert("apf-stall", 0, fault.times);
            break;
        case FaultKind::digest_stale:
            out.digest_stale = true;
            break;
        case FaultKind::no_lme:
            out.no_lme = true;
            break;
        case FaultKind::tls_bad_chain:
            out.tls.insert("tls-bad-chain", 0, fault.times);
            break;
        case FaultKind::tls_drop_after_commit:
            out.tls.insert("tls-drop-after-commit", 0, fault.times);
            break;
        default:
            break; // ME-side faults
        }
    }
    return out;
}

WsmanService::WsmanService(DeviceModel& model, WsmanFaults faults, Environment env)
    : m_model(model), m_faults(std::move(faults)), m_env(std::move(env)),
      m_digest(model.read([](const DeviceState& state) { return state.realm; }),
               m_faults.digest_stale ? StaleNonces::first_use : StaleNonces::never, m_env.now) {}

SetupScratch WsmanService::scratch() const {
    std::lock_guard lock(m_mutex);
    return m_scratch;
}

WsmanStats WsmanService::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void WsmanService::count_apf_handshake() {
    std::lock_guard lock(m_mutex);
    ++m_stats.apf_handshakes;
}

void WsmanService::count_apf_channel() {
    std::lock_guard lock(m_mutex);
    ++m_stats.apf_channels;
}

void WsmanService::count_tls(TlsEvent event) {
    std::lock_guard lock(m_mutex);
    switch (event) {
    case TlsEvent::full:
        ++m_stats.tls_full_handshakes;
        break;
    case TlsEvent::resumed:
        ++m_stats.tls_resumed_handshakes;
        break;
    case TlsEvent::failed:
        ++m_stats.tls_failed_handshakes;
        break;
    case TlsEvent::refused_plain:
        ++m_stats.tls_refused_plain;
        break;
    }
}

bool WsmanService::tls_fault_armed(std::string_view name) const {
    std::lock_guard lock(m_mutex);
    return m_faults.tls.contains(name);
}

bool WsmanService::fire_apf_fault(std::string_view name) {
    std::lock_guard lock(m_mutex);
    return m_faults.apf.fire(name).has_value();
}

// Before activation only the local system account exists; afterwards only admin (and the
// user ACL entries). During Secure Host-Based Configuration the local system account logs on,
// but only over TLS with the client certificate the SHBC check accepted (and admin too, once
// SetAdminAclEntryEx has set its password): the lead's choice, see README.md.
namespace {

std::map<std::string, std::string> accounts(const DeviceState& device, const ConnectionInfo& peer) {
    std::map<std::string, std::string> accounts;
    if (device.shbc.pending) {
        if (!peer.shbc_client) {
            return accounts;
        }
        accounts[device.lsa_username] =
            digest_ha1(device.lsa_username, device.realm, device.lsa_password);
        if (!device.wsman.admin_ha1.empty()) {
            accounts["admin"] = device.wsman.admin_ha1;
        }
        return accounts;
    }
    if (device.provisioning_state == 0) {
        accounts[device.lsa_username] =
            digest_ha1(device.lsa_username, device.realm, device.lsa_password);
        return accounts;
    }
    if (!device.wsman.admin_ha1.empty()) {
        accounts["admin"] = device.wsman.admin_ha1;
    } else if (!device.admin_password.empty()) {
        accounts["admin"] = digest_ha1("admin", device.realm, device.admin_password);
    }
    for (const auto& user : device.wsman.users) {
        accounts[user.name] = user.ha1;
    }
    return accounts;
}

} // namespace

ServiceReply WsmanService::unauthorized(AuthOutcome outcome, const std::string& version) {
    ++m_stats.auth_challenges;
    HttpResponse response;
    response.status = 401;
    response.headers = {{"WWW-Authenticate", m_digest.challenge(outcome)},
                        {"Content-Type", "text/html"},
                        {"Server", "Intel(R) Active Management Technology " + version}};
    response.body = k_401_body;
    response.framing = BodyFraming::content_length;
    response.close = true;
    return {serialize_response(response), true};
}

std::string WsmanService::handle_bytes(std::string_view request_bytes) {
    RequestParser parser;
    parser.feed(request_bytes);
    auto request = parser.next();
    if (!request) {
        throw HttpParseError("incomplete request");
    }
    return handle(*request).bytes;
}

ServiceReply WsmanService::handle(const HttpRequest& request, const ConnectionInfo& peer) {
    std::lock_guard lock(m_mutex);
    ++m_stats.http_requests;
    if (request.target != "/wsman" || request.method != "POST") {
        HttpResponse response;
        response.status = request.target != "/wsman" ? 404 : 405;
        response.framing = BodyFraming::content_length;
        response.close = true;
        return {serialize_response(response), true};
    }
    auto [known, version] = m_model.read([&](const DeviceState& state) {
        return std::pair(accounts(state, peer), state.amt_version);
    });
    auto auth = m_digest.check(find_header(request.headers, "Authorization"), request.method,
                               request.target, known);
    if (auth.outcome != AuthOutcome::ok) {
        return unauthorized(auth.outcome, version);
    }
    ++m_stats.wsman_calls;
    // Before the call acts and outside the model's lock, so the MEI side is not held up.
    if (auto delay = delay_of(request); delay > 0) {
        m_env.sleep_ms(delay);
    }
    return m_model.modify([&](DeviceState& state) { return dispatch(state, request, auth.user); });
}

} // namespace amtcfg::sim
