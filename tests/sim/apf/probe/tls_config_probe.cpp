// Run under scripts/with-sim.sh --lms --state FILE --device-file amt11.json (a device that does
// not enforce TLS; AMTCFG_SIM_LMS_PROGRAM=sim_tls_config_probe), first with "[configure]",
// then in a second process with "[check]": the preload library's TLS server serves a
// certificate configured in AMT without any TLS files, on the LMS port beside plain HTTP, and
// the key store and committed TLS survive into the next process through the state file.
#include "../../wsman/tests/pki.hpp"
#include "../../wsman/tests/support.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace amtcfg::sim;

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

int connect_lms() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(env("AMTCFG_LMS_PORT").c_str())));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

// One plain HTTP request over its own connection, read until the response is complete.
std::string plain_exchange(const std::string& request) {
    int fd = connect_lms();
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    std::string out;
    char buffer[4096];
    ssize_t n = 0;
    while (!test::read_response(out).complete && (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

// The admin of the device file over plain HTTP to the simulated LMS.
struct Admin {
    DeviceModel unused_model{default_device()};
    WsmanService unused_service{unused_model, {}, real_environment()};
    test::DigestClient client{unused_service, "admin", "Sim-Admin-11!"};
    Admin() { client.transport = plain_exchange; }
};

std::string ca_file() {
    return env("AMTCFG_SIM_STATE_FILE") + ".ca.pem";
}

} // namespace

TEST_CASE("configure TLS in the simulated AMT over the LMS port", "[configure]") {
    REQUIRE(!env("AMTCFG_SIM_STATE_FILE").empty());
    Admin admin;
    test::TestCa ca;
    test::configure_tls(admin.client, ca, {});
    std::filesystem::copy_file(ca.certificate_file(), ca_file(),
                               std::filesystem::copy_options::overwrite_existing);
}

TEST_CASE("the next process serves the configured certificate beside plain HTTP", "[check]") {
    std::ifstream state_file(env("AMTCFG_SIM_STATE_FILE"));
    auto state = nlohmann::json::parse(state_file);
    auto committed = state.at("tls_committed").at("certificate").get<std::string>();
    REQUIRE(!committed.empty());
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    REQUIRE(SSL_CTX_load_verify_locations(ctx, ca_file().c_str(), nullptr) == 1);
    int fd = connect_lms();
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, "amt.sim.example");
    REQUIRE(SSL_connect(ssl) == 1);
    CHECK(SSL_get_verify_result(ssl) == X509_V_OK);
    X509* served = SSL_get1_peer_certificate(ssl);
    REQUIRE(served != nullptr);
    unsigned char* der = nullptr;
    int size = i2d_X509(served, &der);
    std::string encoded(4 * ((static_cast<std::size_t>(size) + 2) / 3) + 1, '\0');
    encoded.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), der, size)));
    CHECK(encoded == committed);
    OPENSSL_free(der);
    X509_free(served);
    std::string request = "POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
    REQUIRE(SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0);
    char buffer[4096] = {};
    REQUIRE(SSL_read(ssl, buffer, sizeof buffer - 1) > 0);
    CHECK(std::string(buffer).rfind("HTTP/1.1 401 ", 0) == 0);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    ERR_clear_error();
    // Plain HTTP on the same port still reaches WS-Man, and the store is still there.
    Admin admin;
    auto keys = test::enumerate_all(admin.client, "AMT_PublicPrivateKeyPair");
    CHECK(test::element_texts(keys, "DERKey").size() == 1);
    auto certificates = test::enumerate_all(admin.client, "AMT_PublicKeyCertificate");
    CHECK(test::element_text(certificates, "X509Certificate") == committed);
}
