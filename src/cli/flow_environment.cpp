// The flows' Environment for a command run: device, WS-Man opener, OS facts, clock, passwords.
#include "flow_environment.hpp"

#include "amtcfg/profile/password.hpp"

#include <ctime>

namespace amtcfg::cli {

FlowEnvironment::FlowEnvironment(Session& session)
    : m_device(session.platform.open_mei(session.options.device)), m_os(session.platform.open_os()),
      m_link(std::make_unique<flows::AmtLink>(*m_device, transport_options(session.options),
                                              session.log, session.deadline)) {
    m_environment = std::make_unique<flows::Environment>(flows::Environment{
        .device = *m_device,
        .log = session.log,
        .deadline = session.deadline,
        .open_wsman =
            [link = m_link.get()](std::string_view user, const Secret& password) {
                return link->client({std::string(user), password.clone()});
            },
        .os = *m_os,
        .now = [] { return std::time(nullptr); },
        .new_password = profile::generate_password,
        .progress =
            [&session](std::string_view text) { session.output.progress(std::string(text)); },
        .use_tls =
            [link = m_link.get()](std::shared_ptr<http::TlsContext> tls) {
                return link->use_tls(std::move(tls));
            },
        .tls = {.ondie_root_file = session.options.amt_ondie_root,
                .ca_file = session.options.amt_ca,
                .insecure = session.options.amt_insecure},
        .local_tls_only = [link = m_link.get()] { return link->local_tls_only(); },
    });
}

} // namespace amtcfg::cli
