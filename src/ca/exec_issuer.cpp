// The exec issuer: certmonger's submit-helper interface, so any CA that certmonger reaches (or a
// site's own script) issues AMT's certificate.
#include "backoff.hpp"
#include "helper_answer.hpp"
#include "helper_process.hpp"
#include "issuers.hpp"
#include "ossl.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

namespace amtcfg::ca::detail {

namespace {

// "Unreachable" answers are retried this many times at most (also without --timeout).
constexpr int k_max_unreachable_attempts = 5;
constexpr std::chrono::milliseconds k_first_wait{250};
constexpr std::chrono::milliseconds k_max_wait{30'000};

class ExecIssuer final : public Issuer {
public:
    ExecIssuer(const profile::Issuer& config, IssuerContext context)
        : m_command(config.command), m_context(std::move(context)) {
        if (!config.trusted_ca.empty()) {
            m_anchors = trusted_certificates(config.trusted_ca, "trusted-ca");
        }
    }

    Issued issue(const Request& request) override {
        ReqPtr csr = verified_request(request.csr_der);
        std::vector<std::pair<std::string, std::string>> environment{
            {"CERTMONGER_OPERATION", "SUBMIT"},
            {"CERTMONGER_CSR", pem_of_request(csr.get())},
            {"CERTMONGER_CA_COOKIE", ""},
        };
        Backoff backoff(k_first_wait, k_max_wait);
        int unreachable = 0;
        for (;;) {
            m_context.log.debug("running the submit helper ({}) for {}", environment[0].second,
                                request.subject);
            HelperRun run = run_helper(m_command, environment, m_context.deadline);
            if (!run.err.empty()) {
                m_context.log.debug("submit helper's stderr: {}", strip_controls(run.err));
            }
            HelperAnswer answer = interpret_helper(run.exit_status, run.out);
            switch (answer.kind) {
            case HelperAnswer::Kind::issued:
                return issued(csr.get(), answer);
            case HelperAnswer::Kind::wait: {
                environment[0].second = "POLL";
                environment[2].second = answer.cookie;
                auto wait =
                    answer.delay ? std::chrono::milliseconds(*answer.delay) : backoff.next();
                m_context.log.info("the CA has not decided yet; asking again in {} ms",
                                   wait.count());
                wait_within(m_context.deadline, wait, "waiting for the CA of the submit helper");
                break;
            }
            case HelperAnswer::Kind::unreachable:
                if (++unreachable >= k_max_unreachable_attempts) {
                    throw failure("the CA is unreachable", answer.message);
                }
                m_context.log.info("the submit helper cannot reach its CA ({}); trying again",
                                   answer.message);
                try {
                    wait_within(m_context.deadline, backoff.next(), "");
                } catch (const Error&) {
                    throw failure("the CA is unreachable", answer.message);
                }
                break;
            case HelperAnswer::Kind::rejected:
                throw failure("the CA rejected the request", answer.message);
            case HelperAnswer::Kind::failed:
                throw failure("the submit helper failed", answer.message);
            }
        }
    }

    std::vector<Bytes> trust_anchors() override { return m_anchors; }

    std::string describe() const override {
        return fmt::format("the submit helper \"{}\"", m_command);
    }

private:
    Error failure(std::string_view what, const std::string& message) const {
        return Error(
            ErrorCategory::certificate_failed,
            fmt::format("{} ({}): {}", what, describe(), message.empty() ? "no message" : message));
    }

    Issued issued(X509_REQ* csr, HelperAnswer& answer) const {
        X509Ptr certificate = certificate_from_der(answer.certificates.front());
        if (!certificate ||
            EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), X509_REQ_get0_pubkey(csr)) != 1) {
            throw failure("the submit helper printed a certificate for another key",
                          subject_of(certificate.get()));
        }
        Issued out;
        out.certificate_der = std::move(answer.certificates.front());
        out.ca_chain.assign(std::make_move_iterator(answer.certificates.begin() + 1),
                            std::make_move_iterator(answer.certificates.end()));
        return out;
    }

    std::string m_command;
    IssuerContext m_context;
    std::vector<Bytes> m_anchors;
};

} // namespace

std::unique_ptr<Issuer> make_exec_issuer(const profile::Issuer& config, IssuerContext context) {
    return std::make_unique<ExecIssuer>(config, std::move(context));
}

} // namespace amtcfg::ca::detail
