// Tests of the libcurl client over TLS against an OpenSSL server on a loopback port: AMT's chain
// judged by the trust inside the handshake, refusals named, the client certificate, session
// resumption across connections and clients, TLS 1.1 refused, TLS inside a PumpedStream.
#include "amtcfg/http/amt_trust.hpp"
#include "amtcfg/http/curl_client.hpp"
#include "amtcfg/util/error.hpp"

#include "unit/http/relay_stream.hpp"
#include "unit/http/tls_server.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg;
using namespace amtcfg::http;
using namespace amtcfg::testing;

namespace {

class RecordingSink : public LogSink {
public:
    void write(LogLevel, std::string_view line) override { text += std::string(line) + "\n"; }
    std::string text;
};

Bytes sim_root() {
    std::ifstream in(sim_tls().path("ondie-root.der"), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TlsServerOptions sim_amt() {
    TlsServerOptions options;
    options.chain_pem = sim_tls().path("amt-chain.pem");
    options.key_pem = sim_tls().path("amt-leaf.key");
    return options;
}

std::shared_ptr<TlsContext> ondie_context(std::optional<ClientCertificate> client = {}) {
    return std::make_shared<TlsContext>(ondie_trust(sim_root(), "the test On-Die root"),
                                        std::move(client));
}

Endpoint tls_endpoint(std::uint16_t port, std::shared_ptr<TlsContext> tls) {
    Endpoint endpoint;
    endpoint.port = port;
    endpoint.scheme = Scheme::https;
    endpoint.tls = std::move(tls);
    endpoint.description = "LMS at 127.0.0.1:" + std::to_string(port);
    return endpoint;
}

// The error a post throws.
Error post_error(Client& client) {
    try {
        client.post("/wsman", "<Envelope/>");
    } catch (const Error& error) {
        return error;
    }
    FAIL("the post succeeded");
    return Error(ErrorCategory::internal, "unreachable");
}

// A provisioning-certificate-like client chain: leaf (clientAuth) and its issuing CA, under a
// root the server trusts.
struct ClientPki {
    Issued root;
    Issued issuing;
    Issued leaf;
};

ClientPki make_client_pki() {
    IssueOptions root;
    root.subject = {{"CN", "amtcfg test client root"}};
    IssueOptions issuing;
    issuing.subject = {{"CN", "amtcfg test client issuing CA"}};
    IssueOptions leaf;
    leaf.subject = {{"CN", "amtcfg test provisioning"}};
    leaf.ca = false;
    leaf.extended_key_usage = "clientAuth";
    ClientPki pki{issue(root, nullptr), {}, {}};
    pki.issuing = issue(issuing, &pki.root);
    pki.leaf = issue(leaf, &pki.issuing);
    return pki;
}

} // namespace

TEST_CASE("https verifies AMT's chain with the trust and later connections resume", "[unit]") {
    // TLS 1.2 with session IDs, TLS 1.2 with tickets, TLS 1.3 (tickets).
    auto [version, tickets] =
        GENERATE(std::make_pair(TLS1_2_VERSION, false), std::make_pair(TLS1_2_VERSION, true),
                 std::make_pair(TLS1_3_VERSION, true));
    AmtHttp amt;
    TlsServerOptions options = sim_amt();
    options.max_version = version;
    options.tickets = tickets;
    TlsServer server(amt, options);
    auto context = ondie_context();
    Log log;
    Deadline deadline;
    {
        auto client = make_curl_client(tls_endpoint(server.port(), context),
                                       {"admin", Secret(amt.password)}, log, deadline);
        Response response = client->post("/wsman", "<Envelope>get</Envelope>");
        CHECK(response.status == 200);
        CHECK(response.body == amt.answer);
    }
    REQUIRE(context->last_verdict().has_value());
    CHECK(context->last_verdict()->accepted);
    CHECK(context->last_verdict()->subjects.front() == "CN=AMT RCFG");
    // AMT's 401 closes the first connection; the second resumes the first one's session.
    CHECK(context->counters().full_handshakes == 1);
    CHECK(context->counters().resumed_handshakes == 1);
    // Another client (a new easy handle, as each APF channel or user has) resumes too.
    auto other = make_curl_client(tls_endpoint(server.port(), context),
                                  {"admin", Secret(amt.password)}, log, deadline);
    CHECK(other->post("/wsman", "<Envelope>again</Envelope>").status == 200);
    CHECK(other->post("/wsman", "<Envelope>kept</Envelope>").status == 200);
    CHECK(context->counters().full_handshakes == 1);
    CHECK(context->counters().resumed_handshakes == 3);
    std::vector<ServerHandshake> seen = server.handshakes();
    REQUIRE(seen.size() == 4);
    CHECK_FALSE(seen[0].resumed);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        CHECK(seen[i].resumed);
    }
    CHECK(seen[0].version == (version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2"));
    CHECK(amt.authorized == 3);
}

TEST_CASE("a chain the trust refuses ends the handshake with the check named", "[unit]") {
    AmtHttp amt;
    TlsServerOptions options = sim_amt();
    options.chain_pem = sim_tls().path("bad-chain.pem");
    options.key_pem = sim_tls().path("bad-leaf.key");
    TlsServer server(amt, options);
    auto context = ondie_context();
    Log log;
    Deadline deadline;
    auto client = make_curl_client(tls_endpoint(server.port(), context),
                                   {"admin", Secret(amt.password)}, log, deadline);
    for (int attempt = 0; attempt < 2; ++attempt) { // nothing refused is cached and resumed
        Error error = post_error(*client);
        CHECK(error.category() == ErrorCategory::tls_failed);
        CHECK_THAT(error.what(),
                   Catch::StartsWith("AMT's TLS certificate through LMS at 127.0.0.1:" +
                                     std::to_string(server.port()) +
                                     " was refused: the chain does not verify to the test "
                                     "On-Die root: unable to get local issuer certificate"));
    }
    CHECK(amt.challenges == 0); // no HTTP went over the refused connection
    std::vector<ServerHandshake> seen = server.handshakes(2);
    REQUIRE(seen.size() == 2);
    CHECK_FALSE(seen[0].completed);
    CHECK_FALSE(seen[1].completed);
    REQUIRE(context->last_verdict().has_value());
    CHECK_FALSE(context->last_verdict()->accepted);
    CHECK(context->counters().full_handshakes == 0);
    CHECK(context->counters().resumed_handshakes == 0);
}

TEST_CASE("a pin of another certificate refuses the simulator's leaf", "[unit]") {
    AmtHttp amt;
    TlsServer server(amt, sim_amt());
    auto context =
        std::make_shared<TlsContext>(pinned_trust(Bytes(32, 0xAB), "the pin from configure"));
    Log log;
    Deadline deadline;
    auto client = make_curl_client(tls_endpoint(server.port(), context),
                                   {"admin", Secret(amt.password)}, log, deadline);
    Error error = post_error(*client);
    CHECK(error.category() == ErrorCategory::tls_failed);
    CHECK_THAT(error.what(), Catch::Contains(" was refused: the leaf's SHA-256 is ") &&
                                 Catch::EndsWith(" (the pin from configure)"));
}

TEST_CASE("the client certificate of mutual TLS reaches the server with its chain", "[unit]") {
    int version = GENERATE(TLS1_2_VERSION, TLS1_3_VERSION);
    ClientPki pki = make_client_pki();
    AmtHttp amt;
    TlsServerOptions options = sim_amt();
    options.client_ca = pki.root.certificate.get(); // the issuing CA must come from the client
    options.max_version = version;
    TlsServer server(amt, options);
    Log log;
    Deadline deadline;
    SECTION("presented") {
        ClientCertificate certificate{{pki.leaf.der(), pki.issuing.der()}, pki.leaf.key};
        auto context = ondie_context(certificate);
        auto client = make_curl_client(tls_endpoint(server.port(), context),
                                       {"admin", Secret(amt.password)}, log, deadline);
        CHECK(client->post("/wsman", "<Envelope/>").status == 200);
        std::vector<ServerHandshake> seen = server.handshakes();
        REQUIRE(seen.size() == 2);
        CHECK(seen[0].client_subject == "/CN=amtcfg test provisioning");
        CHECK(seen[1].resumed);
    }
    SECTION("missing: the server's refusal is tls_failed with OpenSSL's reason") {
        auto client = make_curl_client(tls_endpoint(server.port(), ondie_context()),
                                       {"admin", Secret(amt.password)}, log, deadline);
        Error error = post_error(*client);
        CHECK(error.category() == ErrorCategory::tls_failed);
        // TLS 1.2 fails in the handshake; TLS 1.3 when the client reads the server's alert.
        CHECK_THAT(error.what(),
                   Catch::StartsWith("cannot talk to AMT through LMS at ") &&
                       Catch::Contains(version == TLS1_3_VERSION
                                           ? "the TLS connection failed (OpenSSL SSL_read: "
                                           : "TLS handshake failed (OpenSSL/3") &&
                       Catch::Contains(version == TLS1_3_VERSION
                                           ? "tlsv13 alert certificate required"
                                           : "alert handshake failure"));
        CHECK(amt.authorized == 0);
    }
}

TEST_CASE("a client certificate whose key is another's fails before AMT is asked", "[unit]") {
    ClientPki pki = make_client_pki();
    AmtHttp amt;
    TlsServer server(amt, sim_amt());
    Log log;
    Deadline deadline;
    ClientCertificate wrong{{pki.leaf.der()}, pki.issuing.key};
    auto client = make_curl_client(tls_endpoint(server.port(), ondie_context(wrong)),
                                   {"admin", Secret(amt.password)}, log, deadline);
    Error error = post_error(*client);
    CHECK(error.category() == ErrorCategory::tls_failed);
    CHECK(std::string(error.what()) ==
          "cannot talk TLS to AMT through LMS at 127.0.0.1:" + std::to_string(server.port()) +
              ": the client certificate's key does not match it");
    CHECK(amt.challenges == 0);
}

TEST_CASE("a server that offers only TLS 1.1 is refused", "[unit]") {
    AmtHttp amt;
    TlsServerOptions options = sim_amt();
    options.min_version = TLS1_1_VERSION;
    options.max_version = TLS1_1_VERSION;
    TlsServer server(amt, options);
    Log log;
    Deadline deadline;
    auto client = make_curl_client(tls_endpoint(server.port(), ondie_context()),
                                   {"admin", Secret(amt.password)}, log, deadline);
    Error error = post_error(*client);
    CHECK(error.category() == ErrorCategory::tls_failed);
    CHECK_THAT(error.what(),
               Catch::StartsWith("cannot talk to AMT through LMS at 127.0.0.1:" +
                                 std::to_string(server.port()) + ": TLS handshake failed (") &&
                   // The server found no version it speaks among those offered: amtcfg offers
                   // 1.2 and later only. (Offered 1.1, OpenSSL 3 would refuse later and
                   // otherwise, on its signature rules.)
                   Catch::Contains("alert protocol version"));
    std::vector<ServerHandshake> seen = server.handshakes(1);
    REQUIRE(seen.size() == 1);
    CHECK_FALSE(seen[0].completed);
    CHECK(amt.challenges == 0);
}

TEST_CASE("https without a TLS context is a bug, not a connection without verification", "[unit]") {
    Log log;
    Deadline deadline;
    Endpoint endpoint = tls_endpoint(16993, nullptr);
    CHECK_THROWS_MATCHES(make_curl_client(endpoint, {"admin", Secret("x")}, log, deadline), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.category() == ErrorCategory::internal;
                         }));
}

TEST_CASE("the debug log names the verdict and the handshakes, never the password", "[unit]") {
    AmtHttp amt;
    TlsServer server(amt, sim_amt());
    RecordingSink sink;
    Log log;
    log.add_sink(sink, LogLevel::trace);
    Deadline deadline;
    auto client = make_curl_client(tls_endpoint(server.port(), ondie_context()),
                                   {"admin", Secret(amt.password)}, log, deadline);
    CHECK(client->post("/wsman", "<Envelope/>").status == 200);
    CHECK_THAT(sink.text,
               Catch::Contains("tls: AMT's certificate through LMS at 127.0.0.1:" +
                               std::to_string(server.port()) + " (CN=AMT RCFG, SHA-256 ") &&
                   Catch::Contains(") accepted: chain verified to the test On-Die "
                                   "root"));
    CHECK_THAT(sink.text, Catch::Contains("tls: full TLSv1.3 handshake through LMS at "));
    CHECK_THAT(sink.text, Catch::Contains("tls: resumed TLSv1.3 handshake through LMS at ") &&
                              Catch::Contains("(1 full, 1 resumed so far)"));
    CHECK_THAT(sink.text, !Catch::Contains(amt.password));
}

TEST_CASE("TLS runs inside a PumpedStream and resumes across streams", "[unit]") {
    AmtHttp amt;
    TlsServer server(amt, sim_amt());
    auto context = ondie_context();
    Log log;
    Deadline deadline;
    RelayStream first(server.port());
    RelayStream second(server.port());
    auto endpoint = [&](RelayStream& stream) {
        Endpoint out = tls_endpoint(16993, context); // the URL's port: AMT's, not the relay's
        out.stream = &stream;
        out.description = "LME (test relay)";
        return out;
    };
    {
        auto client =
            make_curl_client(endpoint(first), {"admin", Secret(amt.password)}, log, deadline);
        CHECK(client->post("/wsman", "<Envelope>one</Envelope>").status == 200);
    }
    auto client =
        make_curl_client(endpoint(second), {"admin", Secret(amt.password)}, log, deadline);
    CHECK(client->post("/wsman", "<Envelope>two</Envelope>").status == 200);
    CHECK(first.accepted() == 2);
    CHECK(second.accepted() == 2);
    CHECK(context->counters().full_handshakes == 1);
    CHECK(context->counters().resumed_handshakes == 3);
    CHECK(server.handshakes().size() == 4);
    CHECK(amt.bodies ==
          std::vector<std::string>{"<Envelope>one</Envelope>", "<Envelope>two</Envelope>"});
}
