// libcurl, loaded on the first WS-Man request instead of linked into the binary.
//
// Linked, libcurl drags some thirty libraries (LDAP, Kerberos, SSH, GnuTLS...) into every run
// of amtcfg and costs about 6 MB of RSS that `info` and `version` never use (DESIGN.md section
// 7 allows them 10 MB in all). Only the functions the client calls are looked up.
#pragma once

#include <curl/curl.h>

namespace amtcfg::http {

struct CurlApi {
    decltype(&curl_easy_init) easy_init;
    decltype(&curl_easy_setopt) easy_setopt;
    decltype(&curl_easy_getinfo) easy_getinfo;
    decltype(&curl_easy_strerror) easy_strerror;
    decltype(&curl_easy_cleanup) easy_cleanup;
    decltype(&curl_easy_perform) easy_perform; // fetch(): one request to a non-AMT server
    decltype(&curl_easy_reset) easy_reset;     // FetchSession: new options, same connection
    decltype(&curl_easy_send) easy_send;       // connect_server(): a CONNECT_ONLY connection
    decltype(&curl_easy_recv) easy_recv;
    decltype(&curl_multi_init) multi_init;
    decltype(&curl_multi_add_handle) multi_add_handle;
    decltype(&curl_multi_remove_handle) multi_remove_handle;
    decltype(&curl_multi_perform) multi_perform;
    decltype(&curl_multi_poll) multi_poll;
    decltype(&curl_multi_info_read) multi_info_read;
    decltype(&curl_multi_cleanup) multi_cleanup;
    decltype(&curl_slist_append) slist_append;
    decltype(&curl_slist_free_all) slist_free_all;
    decltype(&curl_share_init) share_init;
    decltype(&curl_share_setopt) share_setopt;
    decltype(&curl_share_cleanup) share_cleanup;
    decltype(&curl_version_info) version_info;
};

// Loads libcurl.so.4 the first time; throws Error(wsman_unreachable) naming the package to
// install when it is missing or lacks a function.
const CurlApi& libcurl();

} // namespace amtcfg::http
