// The simulated LMS: HTTP to the WS-Man service over a loopback TCP port.
#include "apf/lms_listener.hpp"

#include "../../wsman/tests/pki.hpp"
#include "../../wsman/tests/support.hpp"
#include "../../wsman/tests/tls_client.hpp"
#include "wsman/tls_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include <catch2/catch.hpp>

using namespace amtcfg::sim;

namespace {

// Sends `request` and reads until the server closes.
std::string round_trip(std::uint16_t port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    std::string out;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

} // namespace

TEST_CASE("the LMS listener serves WS-Man on a free loopback port", "[unit][sim]") {
    test::FakeWorld world;
    DeviceModel model(default_device());
    WsmanService service(model, {}, world.environment());
    LmsListener listener(service);
    auto port = listener.start(0);
    REQUIRE(port != 0);
    auto soap = test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "");
    auto challenge = test::read_response(round_trip(port, test::http_post(soap)));
    CHECK(challenge.status == 401);
    test::DigestClient client(service, "$$OsAdmin", default_device().lsa_password);
    client.get("AMT_GeneralSettings");
    auto request = test::http_post(soap, client.authorization(client.nonce));
    request.insert(request.find("\r\n") + 2, "Connection: close\r\n");
    auto answer = test::read_response(round_trip(port, request));
    CHECK(answer.status == 200);
    CHECK(test::element_text(answer.body, "HostName") == "simhost");
    CHECK(listener.connections() == 2);
    listener.stop();
}

TEST_CASE("the LMS listener of a TLS-enforced device speaks TLS and refuses plain HTTP",
          "[unit][sim][tls]") {
    test::FakeWorld world;
    auto device = default_device();
    device.tls_enforced = true;
    DeviceModel model(device);
    WsmanService service(model, {}, world.environment());
    LmsListener listener(service);
    auto port = listener.start(0);
    auto soap = test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "");
    // No TLS material: nothing answers.
    CHECK(round_trip(port, test::http_post(soap)).empty());
    TlsServer tls(service, test::sim_tls_dir().path());
    service.set_tls(&tls);
    CHECK(round_trip(port, test::http_post(soap)).empty());
    CHECK(service.stats().tls_refused_plain == 1);

    // A real TLS client over TCP (the openssl CLI), verifying the chain to the test root.
    std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                          " -CAfile '" + test::sim_tls_dir().file("ondie-root.pem") +
                          "' -verify_return_error </dev/null >/dev/null 2>&1";
    CHECK(std::system(command.c_str()) == 0);
    listener.stop();
    CHECK(service.stats().tls_full_handshakes == 1);
}

TEST_CASE("after TLS configuration the LMS port serves TLS and plain HTTP, told apart by the "
          "first byte",
          "[unit][sim][tls][certs]") {
    test::FakeWorld world;
    auto device = default_device();
    device.control_mode = 2;
    device.provisioning_state = 2;
    device.admin_password = "P@ssw0rd!";
    DeviceModel model(device);
    auto environment = world.environment();
    environment.now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
    WsmanService service(model, {}, environment);
    TlsServer tls(service, ""); // no files: the device does not enforce TLS
    service.set_tls(&tls);
    LmsListener listener(service);
    auto port = listener.start(0);
    test::TestCa ca;
    test::DigestClient admin(service, "admin", "P@ssw0rd!");
    auto s_client = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -CAfile '" +
                    ca.certificate_file() + "' -verify_return_error </dev/null >/dev/null 2>&1";
    CHECK_FALSE(model.read(management_ports).tls); // no TLS before configuration
    test::configure_tls(admin, ca, {});
    CHECK(std::system(s_client.c_str()) == 0);
    auto soap = test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "");
    CHECK(test::read_response(round_trip(port, test::http_post(soap))).status == 401);
    listener.stop();
    CHECK(service.stats().tls_full_handshakes == 1);
}
