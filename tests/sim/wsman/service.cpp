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

bool WsmanFaults::add(std::string_view spec) {
    auto colon = spec.find(':');
    auto kind = spec.substr(0, colon);
    auto method = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    if (kind == "digest-stale" || kind == "no-lme") {
        (kind == "digest-stale" ? digest_stale : no_lme) = true;
        return true;
    }
    if (kind != "wsman-http500" && kind != "wsman-fault" && kind != "wsman-drop" &&
        kind != "wsman-return") {
        return false;
    }
    if (method.empty()) {
        throw std::invalid_argument("fault " + std::string(kind) + " needs :METHOD");
    }
    if (kind == "wsman-return") {
        auto equals = method.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            throw std::invalid_argument("wsman-return needs METHOD=CODE");
        }
        return_value[std::string(method.substr(0, equals))] = static_cast<std::uint32_t>(
            std::stoul(std::string(method.substr(equals + 1)), nullptr, 0));
        return true;
    }
    auto &target = kind == "wsman-http500" ? http500 : kind == "wsman-fault" ? soap_fault : drop;
    target.insert(std::string(method));
    return true;
}

WsmanService::WsmanService(AmtState &state, WsmanFaults faults, Environment env)
    : m_state(state), m_faults(std::move(faults)), m_env(std::move(env)),
      m_digest(state.realm, m_faults.digest_stale ? StaleNonces::first_use : StaleNonces::never) {}

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

// Before activation only the local system account exists; afterwards only admin (and the
// user ACL entries).
std::map<std::string, std::string> WsmanService::accounts() const {
    std::map<std::string, std::string> accounts;
    if (m_state.provisioning_state == 0) {
        accounts[m_state.lsa_user] =
            digest_ha1(m_state.lsa_user, m_state.realm, m_state.lsa_password);
        return accounts;
    }
    if (!m_state.admin_ha1.empty()) {
        accounts["admin"] = m_state.admin_ha1;
    }
    for (const auto &user : m_state.users) {
        accounts[user.name] = user.ha1;
    }
    return accounts;
}

ServiceReply WsmanService::unauthorized(AuthOutcome outcome) {
    ++m_stats.auth_challenges;
    HttpResponse response;
    response.status = 401;
    response.headers = {{"WWW-Authenticate", m_digest.challenge(outcome)},
                        {"Content-Type", "text/html"},
                        {"Server", "Intel(R) Active Management Technology " + m_state.amt_version}};
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

ServiceReply WsmanService::handle(const HttpRequest &request) {
    std::lock_guard lock(m_mutex);
    ++m_stats.http_requests;
    if (request.target != "/wsman" || request.method != "POST") {
        HttpResponse response;
        response.status = request.target != "/wsman" ? 404 : 405;
        response.framing = BodyFraming::content_length;
        response.close = true;
        return {serialize_response(response), true};
    }
    auto auth =
        m_digest.check(find_header(request.headers, "Authorization"), request.method, accounts());
    if (auth.outcome != AuthOutcome::ok) {
        return unauthorized(auth.outcome);
    }
    ++m_stats.wsman_calls;
    if (m_faults.latency_ms > 0) {
        m_env.sleep_ms(m_faults.latency_ms);
    }
    return dispatch(request, auth.user);
}

} // namespace amtcfg::sim
