// Run under scripts/with-sim.sh --lms --device-file FILE (AMTCFG_SIM_LMS_PROGRAM=tls_probe)
// for a TLS-enforced device: checks the with-sim.sh contract of issue 11 (AMTCFG_SIM_ONDIE_ROOT
// names the root of the chain the simulated LMS serves on AMTCFG_LMS_PORT), that a
// reconnecting client resumes its session and that plain HTTP is closed unanswered.
// Usage: tls_probe pre|post (post: the self-signed post.pem beside the root is served).
// Exits non-zero naming the first failed check.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int fail(const std::string& what) {
    std::fprintf(stderr, "tls_probe: %s\n", what.c_str());
    return 1;
}

int connect_lms() {
    const char* port = std::getenv("AMTCFG_LMS_PORT");
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(port ? port : "0")));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

constexpr char k_request[] = "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
constexpr char k_401[] = "HTTP/1.1 401 ";

// One verified TLS connection and one request; returns "" or what went wrong.
std::string exchange(SSL_CTX* ctx, SSL_SESSION** session, bool expect_resumed) {
    int fd = connect_lms();
    if (fd < 0) {
        return "cannot connect to AMTCFG_LMS_PORT";
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (*session != nullptr) {
        SSL_set_session(ssl, *session);
    }
    std::string problem;
    char buffer[4096] = {};
    if (SSL_connect(ssl) != 1) {
        problem = "TLS handshake failed";
    } else if (SSL_get_verify_result(ssl) != X509_V_OK) {
        problem = "the served chain does not verify to the expected root";
    } else if ((SSL_session_reused(ssl) == 1) != expect_resumed) {
        problem = expect_resumed ? "the session was not resumed" : "a first session was resumed";
    } else if (SSL_write(ssl, k_request, sizeof k_request - 1) <= 0 ||
               SSL_read(ssl, buffer, sizeof buffer - 1) <= 0 ||
               std::string(buffer).rfind(k_401, 0) != 0) {
        problem = "no 401 answer over TLS";
    }
    // TLS 1.3 tickets arrive after the handshake: the read above took them in.
    SSL_SESSION_free(*session);
    *session = SSL_get1_session(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    ::close(fd);
    ERR_clear_error();
    return problem;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        return fail("usage: tls_probe pre|post");
    }
    const char* root = std::getenv("AMTCFG_SIM_ONDIE_ROOT");
    if (root == nullptr || ::access(root, R_OK) != 0) {
        return fail("AMTCFG_SIM_ONDIE_ROOT is not a readable file");
    }
    std::string anchor = root;
    if (std::string(argv[1]) == "post") {
        anchor = anchor.substr(0, anchor.rfind('/') + 1) + "post.pem";
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, anchor.c_str(), nullptr);
    SSL_SESSION* session = nullptr;
    std::string problem = exchange(ctx, &session, false);
    if (problem.empty()) {
        problem = exchange(ctx, &session, true);
    }
    SSL_SESSION_free(session);
    SSL_CTX_free(ctx);
    if (!problem.empty()) {
        return fail(problem);
    }
    int fd = connect_lms();
    if (fd < 0) {
        return fail("cannot connect for the plain-HTTP check");
    }
    ::send(fd, k_request, sizeof k_request - 1, MSG_NOSIGNAL);
    char byte = 0;
    auto n = ::recv(fd, &byte, 1, 0);
    ::close(fd);
    if (n != 0) {
        return fail("plain HTTP was answered on the TLS port");
    }
    std::puts("tls_probe: ok");
    return 0;
}
