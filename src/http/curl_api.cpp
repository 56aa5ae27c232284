// Loading libcurl.so.4 and looking up the functions the client uses.
#include "curl_api.hpp"

#include "amtcfg/util/error.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace amtcfg::http {
namespace {

// The soname of libcurl's ABI 4, which every libcurl since 7.16 keeps (Debian: libcurl4).
constexpr const char* k_soname = "libcurl.so.4";

Error load_failure(std::string_view what) {
    return Error(ErrorCategory::wsman_unreachable,
                 fmt::format("cannot use libcurl to talk to AMT's WS-Man service: {} (install "
                             "the libcurl4 package: apt-get install libcurl4)",
                             what));
}

template <typename Function> void find(void* library, const char* name, Function& out) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw load_failure(fmt::format("{} has no function {}", k_soname, name));
    }
    // dlsym returns functions as void*; POSIX guarantees the round trip.
    out = reinterpret_cast<Function>(symbol);
}

CurlApi load() {
    // Never unloaded: libcurl keeps global state for the life of the process.
    void* library = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw load_failure(reason != nullptr ? reason : k_soname);
    }
    CurlApi api{};
    find(library, "curl_easy_init", api.easy_init);
    find(library, "curl_easy_setopt", api.easy_setopt);
    find(library, "curl_easy_getinfo", api.easy_getinfo);
    find(library, "curl_easy_strerror", api.easy_strerror);
    find(library, "curl_easy_cleanup", api.easy_cleanup);
    find(library, "curl_easy_perform", api.easy_perform);
    find(library, "curl_easy_reset", api.easy_reset);
    find(library, "curl_easy_send", api.easy_send);
    find(library, "curl_easy_recv", api.easy_recv);
    find(library, "curl_multi_init", api.multi_init);
    find(library, "curl_multi_add_handle", api.multi_add_handle);
    find(library, "curl_multi_remove_handle", api.multi_remove_handle);
    find(library, "curl_multi_perform", api.multi_perform);
    find(library, "curl_multi_poll", api.multi_poll);
    find(library, "curl_multi_info_read", api.multi_info_read);
    find(library, "curl_multi_cleanup", api.multi_cleanup);
    find(library, "curl_slist_append", api.slist_append);
    find(library, "curl_slist_free_all", api.slist_free_all);
    find(library, "curl_share_init", api.share_init);
    find(library, "curl_share_setopt", api.share_setopt);
    find(library, "curl_share_cleanup", api.share_cleanup);
    find(library, "curl_version_info", api.version_info);
    return api;
}

} // namespace

const CurlApi& libcurl() {
    static const CurlApi api = load();
    return api;
}

} // namespace amtcfg::http
