// Interpretation of a certmonger submit helper's answer.
#include "helper_answer.hpp"
#include "ossl.hpp"

#include "amtcfg/util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace amtcfg::ca::detail {

namespace {

// A day: a helper asking to wait longer is waited for only until --timeout anyway.
constexpr long k_max_delay_seconds = 24L * 60L * 60L;
constexpr std::size_t k_max_message = 2000;

std::string trimmed(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return "";
    }
    auto last = text.find_last_not_of(" \t\r\n");
    std::string out = strip_controls(text.substr(first, last - first + 1));
    if (out.size() > k_max_message) {
        out.resize(k_max_message);
        out += "...";
    }
    return out;
}

HelperAnswer failed(std::string message) {
    HelperAnswer out;
    out.kind = HelperAnswer::Kind::failed;
    out.message = std::move(message);
    return out;
}

HelperAnswer issued(std::string_view out) {
    auto certificates = pem_certificates(out);
    if (certificates.empty()) {
        return failed("the helper reported success (exit 0) but printed no PEM certificate");
    }
    HelperAnswer answer;
    answer.kind = HelperAnswer::Kind::issued;
    for (auto& certificate : certificates) {
        answer.certificates.push_back(der_of(certificate.get()));
    }
    return answer;
}

HelperAnswer wait_with_delay(std::string_view out) {
    auto newline = out.find('\n');
    std::string first = trimmed(out.substr(0, newline));
    long seconds = -1;
    auto [end, error] = std::from_chars(first.data(), first.data() + first.size(), seconds);
    if (error != std::errc() || end != first.data() + first.size() || seconds < 0) {
        return failed(fmt::format("the helper asked to wait (exit 5) but its first line \"{}\" "
                                  "is not a number of seconds",
                                  first));
    }
    HelperAnswer answer;
    answer.kind = HelperAnswer::Kind::wait;
    answer.delay = std::chrono::seconds(std::min(seconds, k_max_delay_seconds));
    answer.cookie = newline == std::string_view::npos ? "" : trimmed(out.substr(newline + 1));
    return answer;
}

} // namespace

HelperAnswer interpret_helper(int exit_status, std::string_view out) {
    HelperAnswer answer;
    switch (exit_status) {
    case static_cast<int>(HelperStatus::issued):
        return issued(out);
    case static_cast<int>(HelperStatus::wait):
        answer.kind = HelperAnswer::Kind::wait;
        answer.cookie = trimmed(out);
        return answer;
    case static_cast<int>(HelperStatus::wait_with_delay):
        return wait_with_delay(out);
    case static_cast<int>(HelperStatus::rejected):
        answer.kind = HelperAnswer::Kind::rejected;
        answer.message = trimmed(out);
        return answer;
    case static_cast<int>(HelperStatus::unreachable):
        answer.kind = HelperAnswer::Kind::unreachable;
        answer.message = trimmed(out);
        return answer;
    case static_cast<int>(HelperStatus::underconfigured):
        return failed(
            fmt::format("the helper is missing configuration (exit 4): {}", trimmed(out)));
    case static_cast<int>(HelperStatus::need_scep_messages):
        return failed(fmt::format("the helper wants SCEP messages signed with the request's "
                                  "private key (exit 16), which only AMT holds; use "
                                  "<issuer type=\"scep\"> for SCEP servers: {}",
                                  trimmed(out)));
    case -1:
        return failed("the helper was ended by a signal");
    default:
        return failed(
            fmt::format("the helper failed with exit status {}: {}", exit_status, trimmed(out)));
    }
}

} // namespace amtcfg::ca::detail
