// Builds the flows' Environment from the global options and the platform.
#pragma once

#include "session.hpp"

#include "amtcfg/flows/amt_link.hpp"
#include "amtcfg/flows/environment.hpp"

#include <memory>

namespace amtcfg::cli {

// Owns what the Environment refers to; made once per command. Opens nothing until used.
class FlowEnvironment {
public:
    explicit FlowEnvironment(Session& session);
    flows::Environment& get() { return *m_environment; }
    // The path WS-Man took (LMS or LME) and its APF counters, for -v output and bench.sh.
    const flows::AmtLink& link() const { return *m_link; }
    flows::AmtLink& link() { return *m_link; }

private:
    std::unique_ptr<mei::Device> m_device;
    std::unique_ptr<flows::OsInfo> m_os;
    std::unique_ptr<flows::AmtLink> m_link;
    std::unique_ptr<flows::Environment> m_environment;
};

} // namespace amtcfg::cli
