// fetch(): one request on libcurl's easy interface, bounded by the deadline.
#include "amtcfg/http/fetch.hpp"

#include "curl_api.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <memory>

namespace amtcfg::http {
namespace {

// Without --timeout, one request still ends after this long.
constexpr int k_max_request_ms = 120'000;
constexpr long k_connect_timeout_ms = 15'000;

struct Transfer {
    FetchResponse response;
    std::size_t max_body = 0;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::size_t bytes = size * count;
    if (transfer->response.body.size() + bytes > transfer->max_body) {
        transfer->too_large = true;
        return 0; // ends the transfer with CURLE_WRITE_ERROR
    }
    transfer->response.body.insert(transfer->response.body.end(), data, data + bytes);
    return bytes;
}

struct EasyDeleter {
    void operator()(CURL* easy) const { libcurl().easy_cleanup(easy); }
};
struct ListDeleter {
    void operator()(curl_slist* list) const { libcurl().slist_free_all(list); }
};

} // namespace

struct FetchSession::Handle {
    std::unique_ptr<CURL, EasyDeleter> easy;
};

FetchSession::FetchSession() : m_handle(std::make_unique<Handle>()) {}
FetchSession::~FetchSession() = default;

FetchResponse fetch(const FetchRequest& request, const Deadline& deadline) {
    FetchSession session;
    return session.fetch(request, deadline);
}

FetchResponse FetchSession::fetch(const FetchRequest& request, const Deadline& deadline) {
    deadline.check(fmt::format("before contacting {}", request.url));
    const CurlApi& curl = libcurl();
    if (!m_handle->easy) {
        m_handle->easy.reset(curl.easy_init());
        if (!m_handle->easy) {
            throw Error(ErrorCategory::internal, "cannot initialise libcurl");
        }
    } else {
        curl.easy_reset(m_handle->easy.get()); // options only: the open connection stays
    }
    CURL* handle = m_handle->easy.get();
    Transfer transfer;
    transfer.max_body = request.max_body;
    char error_text[CURL_ERROR_SIZE] = {};
    std::unique_ptr<curl_slist, ListDeleter> headers;
    curl.easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, k_connect_timeout_ms);
    int budget_ms = std::max(1, deadline.remaining_ms(k_max_request_ms));
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(budget_ms));
    curl.easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
    if (!request.ca_file.empty()) {
        curl.easy_setopt(handle, CURLOPT_CAINFO, request.ca_file.c_str());
    }
    if (!request.post_content_type.empty()) {
        headers.reset(
            curl.slist_append(nullptr, ("Content-Type: " + request.post_content_type).c_str()));
        headers.reset(curl.slist_append(headers.release(), "Expect:"));
        curl.easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
        curl.easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
        curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    CURLcode code = curl.easy_perform(handle);
    if (code != CURLE_OK) {
        if (code == CURLE_OPERATION_TIMEDOUT && budget_ms < k_max_request_ms) {
            throw Error(ErrorCategory::timed_out,
                        fmt::format("{} did not answer before --timeout ended", request.url));
        }
        std::string detail =
            transfer.too_large
                ? fmt::format("the answer is larger than {} bytes", request.max_body)
                : (error_text[0] != '\0' ? std::string(error_text) : curl.easy_strerror(code));
        throw Error(ErrorCategory::server_unreachable,
                    fmt::format("cannot reach {}: {}", request.url, detail));
    }
    long status = 0;
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    char* content_type = nullptr;
    curl.easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) {
        transfer.response.content_type = content_type;
    }
    return std::move(transfer.response);
}

} // namespace amtcfg::http
