// Helpers of the issuer tests: a key and a signed request as AMT makes them, a CA made with the
// openssl command, the context an issuer gets, and looks into issued certificates.
#pragma once

#include "amtcfg/ca/issuer.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace amtcfg::test {

using TempDir = amtcfg::testing::TempDir;

template <auto Free> struct Free_ {
    template <typename T> void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free_<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Free_<X509_free>>;
using Req = std::unique_ptr<X509_REQ, Free_<X509_REQ_free>>;

inline Key rsa_key() {
    Key key(EVP_RSA_gen(2048));
    REQUIRE(key);
    return key;
}

// A request signed by `key`, like the one AMT's GeneratePKCS10RequestEx returns: CN, optional
// dNSNames in an extensionRequest, optional challengePassword.
inline Bytes signed_request(EVP_PKEY* key, const std::string& cn,
                            const std::vector<std::string>& dns_names = {},
                            const std::string& challenge = "") {
    Req req(X509_REQ_new());
    X509_NAME* name = X509_REQ_get_subject_name(req.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_REQ_set_pubkey(req.get(), key);
    if (!dns_names.empty()) {
        std::string san;
        for (const auto& dns : dns_names) {
            san += (san.empty() ? "DNS:" : ",DNS:") + dns;
        }
        STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
        sk_X509_EXTENSION_push(
            extensions, X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
        X509_REQ_add_extensions(req.get(), extensions);
        sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    }
    if (!challenge.empty()) {
        X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(challenge.c_str()), -1);
    }
    REQUIRE(X509_REQ_sign(req.get(), key, EVP_sha256()) > 0);
    int size = i2d_X509_REQ(req.get(), nullptr);
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    i2d_X509_REQ(req.get(), &cursor);
    return der;
}

inline Cert parse_der(const Bytes& der) {
    const unsigned char* cursor = der.data();
    Cert out(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    REQUIRE(out);
    return out;
}

inline Cert read_pem(const std::string& path) {
    std::unique_ptr<BIO, Free_<BIO_free>> bio(BIO_new_file(path.c_str(), "r"));
    REQUIRE(bio);
    Cert out(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(out);
    return out;
}

inline Bytes der_of(X509* certificate) {
    int size = i2d_X509(certificate, nullptr);
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    i2d_X509(certificate, &cursor);
    return der;
}

inline void run(const std::string& command) {
    INFO(command);
    REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

// A CA certificate and key made with the openssl command: ca.pem, ca.key in `dir`.
inline void make_ca(const TempDir& dir, const std::string& extra = "-days 30") {
    run("openssl req -x509 -newkey rsa:2048 -nodes -sha256 -subj '/CN=Test Issuing CA' " + extra +
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
        "-keyout '" +
        dir.file("ca.key") + "' -out '" + dir.file("ca.pem") + "'");
}

inline std::string subject_of(X509* certificate) {
    char* text = X509_NAME_oneline(X509_get_subject_name(certificate), nullptr, 0);
    std::string out(text);
    OPENSSL_free(text);
    return out;
}

inline std::vector<std::string> dns_names_of(X509* certificate) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS) {
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                             static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

// What the issuer under test gets: a log, a deadline, and secrets from a table, recording
// which ones were asked for.
struct Context {
    Log log;
    Deadline deadline;
    std::vector<std::string> asked;
    std::string secret_value;

    explicit Context(Deadline limit = Deadline()) : deadline(limit) {}
    ca::IssuerContext get() {
        return ca::IssuerContext{log, deadline,
                                 [this](const profile::SecretSetting&, std::string_view what) {
                                     asked.emplace_back(what);
                                     return Secret(secret_value);
                                 }};
    }
};

// The category of what `action` throws; FAILs when it throws nothing or something else.
template <typename F> ErrorCategory category_of(F&& action, std::string* message = nullptr) {
    try {
        action();
    } catch (const Error& error) {
        if (message != nullptr) {
            *message = error.what();
        }
        return error.category();
    }
    FAIL("no Error was thrown");
    return ErrorCategory::internal;
}

} // namespace amtcfg::test
