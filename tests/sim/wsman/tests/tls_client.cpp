// Test-only TLS client over memory BIOs (OpenSSL) and the run-time certificate directories.
#include "tls_client.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace amtcfg::sim::test {

CertDir::CertDir(const std::string& script) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "amtcfg-sim-certs-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot create a temporary directory");
    }
    m_path = pattern;
    std::string command =
        "bash " AMTCFG_SOURCE_DIR "/tests/certs/" + script + " '" + m_path + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("tests/certs/" + script + " failed");
    }
}

CertDir::~CertDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

std::string CertDir::text(const std::string& name) const {
    std::ifstream in(file(name));
    std::string line;
    std::getline(in, line);
    return line;
}

const CertDir& sim_tls_dir() {
    static const CertDir dir("make-sim-tls.sh");
    return dir;
}

const CertDir& test_certs_dir() {
    static const CertDir dir("make-test-certs.sh");
    return dir;
}

std::string sim_leaf_sha256_hex() {
    static const std::string hex = [] {
        auto dir = sim_tls_dir().path();
        std::string command = "openssl x509 -in '" + dir +
                              "/amt-chain.pem' -noout -fingerprint -sha256 | cut -d= -f2 | "
                              "tr -d : | tr A-F a-f > '" +
                              dir + "/leaf.fingerprint'";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("openssl x509 -fingerprint failed");
        }
        return sim_tls_dir().text("leaf.fingerprint");
    }();
    return hex;
}

namespace {

std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

DeviceState amt19_pre() {
    auto device = default_device();
    device.amt_version = "19.0.5";
    device.tls_enforced = true;
    return device;
}

} // namespace

TlsDevice::TlsDevice(WsmanFaults faults)
    : model(amt19_pre()),
      service(model, std::move(faults),
              [this] {
                  auto environment = world.environment();
                  environment.now = real_now; // the test certificates are dated from the real clock
                  return environment;
              }()),
      tls(service, sim_tls_dir().path()) {
    service.set_tls(&tls);
}

DigestClient tls_digest_client(TlsDevice& device, TlsTestClient& client, std::string user,
                               std::string password) {
    DigestClient digest(device.service, std::move(user), std::move(password));
    digest.transport = [&device, &client](const std::string& request) {
        auto connection = device.connect();
        return client.exchange(*connection, request).response;
    };
    return digest;
}

TlsTestClient::TlsTestClient(TlsClientOptions options) : m_options(std::move(options)) {
    m_ctx = SSL_CTX_new(TLS_client_method());
    if (!m_options.ca_file.empty()) {
        SSL_CTX_load_verify_locations(m_ctx, m_options.ca_file.c_str(), nullptr);
    }
    SSL_CTX_set_verify(m_ctx, SSL_VERIFY_NONE, nullptr); // the result is read, not enforced
    if (m_options.max_version != 0) {
        SSL_CTX_set_max_proto_version(m_ctx, m_options.max_version);
    }
    SSL_CTX_set_min_proto_version(m_ctx, TLS1_VERSION);
    SSL_CTX_set_security_level(m_ctx, 0); // lets the TLS 1.0/1.1 refusal come from the server
    if (m_options.no_tickets) {
        SSL_CTX_set_options(m_ctx, SSL_OP_NO_TICKET);
    }
    if (!m_options.cert_chain.empty()) {
        SSL_CTX_use_certificate_chain_file(m_ctx, m_options.cert_chain.c_str());
        SSL_CTX_use_PrivateKey_file(m_ctx, m_options.key_file.c_str(), SSL_FILETYPE_PEM);
    }
}

TlsTestClient::~TlsTestClient() {
    SSL_SESSION_free(m_session);
    SSL_CTX_free(m_ctx);
}

void TlsTestClient::forget_session() {
    SSL_SESSION_free(m_session);
    m_session = nullptr;
}

namespace {

std::string drain(BIO* bio) {
    std::string out;
    std::array<char, 16384> buffer{};
    while (BIO_ctrl_pending(bio) > 0) {
        int n = BIO_read(bio, buffer.data(), static_cast<int>(buffer.size()));
        if (n <= 0) {
            break;
        }
        out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return out;
}

} // namespace

TlsTestClient::Result TlsTestClient::exchange(StreamConnection& server,
                                              const std::string& request) {
    Result result;
    SSL* ssl = SSL_new(m_ctx);
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_connect_state(ssl);
    if (m_session != nullptr) {
        SSL_set_session(ssl, m_session);
    }
    // Pumps bytes both ways until neither side has anything more to say.
    auto pump = [&] {
        for (int round = 0; round < 50; ++round) {
            auto out = drain(wbio);
            if (out.empty() || server.closed()) {
                return;
            }
            auto back = server.receive(out);
            BIO_write(rbio, back.data(), static_cast<int>(back.size()));
            if (back.empty()) {
                return;
            }
            // Lets the client process what came back (handshake or records).
            if (!SSL_is_init_finished(ssl)) {
                SSL_do_handshake(ssl);
            } else {
                std::array<char, 16384> buffer{};
                int n = 0;
                while ((n = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()))) > 0) {
                    result.response.append(buffer.data(), static_cast<std::size_t>(n));
                }
            }
        }
    };
    SSL_do_handshake(ssl);
    pump();
    result.handshake = SSL_is_init_finished(ssl) == 1;
    if (result.handshake) {
        result.resumed = SSL_session_reused(ssl) == 1;
        result.verify_result = SSL_get_verify_result(ssl);
        STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
        for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
            std::array<char, 512> name{};
            X509_NAME_oneline(X509_get_subject_name(sk_X509_value(chain, i)), name.data(),
                              static_cast<int>(name.size()));
            result.subjects.emplace_back(name.data());
        }
        if (!request.empty()) {
            SSL_write(ssl, request.data(), static_cast<int>(request.size()));
            pump();
        }
        // TLS 1.3 tickets and the response may still sit unread.
        std::array<char, 16384> buffer{};
        int n = 0;
        while ((n = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()))) > 0) {
            result.response.append(buffer.data(), static_cast<std::size_t>(n));
        }
        result.close_notify = (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0;
        if (SSL_SESSION* session = SSL_get1_session(ssl)) {
            SSL_SESSION_free(m_session);
            m_session = session;
        }
    }
    result.server_closed = server.closed();
    // A client's own close_notify: OpenSSL marks the session of a connection freed without
    // one not resumable (as real clients must know too).
    if (result.handshake) {
        SSL_shutdown(ssl);
    }
    ERR_clear_error();
    SSL_free(ssl);
    return result;
}

} // namespace amtcfg::sim::test
