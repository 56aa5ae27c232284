// A WS-Man session to local AMT as one user: the HTTP client and the WS-Man client over it.
#pragma once

#include "amtcfg/flows/environment.hpp"
#include "amtcfg/wsman/client.hpp"

#include <memory>
#include <string>

namespace amtcfg::flows {

class WsmanSession {
public:
    WsmanSession(Environment& env, std::string user, const Secret& password)
        : m_user(std::move(user)), m_password(password.clone()),
          m_http(env.open_wsman(m_user, m_password)), m_client(*m_http, env.log) {}

    wsman::Client& client() { return m_client; }
    const std::string& user() const { return m_user; }
    // Another session as the same user, over the link as it is now (after a switch to TLS).
    std::unique_ptr<WsmanSession> sibling(Environment& env) const {
        return std::make_unique<WsmanSession>(env, m_user, m_password);
    }
    std::size_t calls() const { return m_client.request_count(); }

private:
    std::string m_user;
    Secret m_password;
    std::unique_ptr<http::Client> m_http;
    wsman::Client m_client;
};

} // namespace amtcfg::flows
