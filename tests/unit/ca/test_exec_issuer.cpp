// The exec issuer runs helper scripts of the test's own (certmonger's interface): each exit
// status, polling with a cookie, the deadline, and what reaches the helper.
//
// Why not certmonger's own scep-submit (the last test shows it): it does not read
// CERTMONGER_CSR. For SUBMIT it wants CERTMONGER_PKCSREQ, a PKCSReq pkiMessage that the
// certmonger daemon builds and signs with the request's private key, and without one it exits
// 16 (CM_SUBMIT_STATUS_NEED_SCEP_MESSAGES: "generate SCEP messages and run me again"); on
// success it prints the encrypted pkcsPKIEnvelope, which only the key's holder can open. AMT
// holds the key, so no helper of this interface can drive it: <issuer type="scep"> does SCEP.
#include "servers.hpp"

#include <thread>

#include <chrono>

using namespace amtcfg;
using namespace amtcfg::test;

namespace {

// A helper that records each call (operation|cookie) in calls.log and then runs `body`; the
// CA files of make_ca() are next to it.
profile::Issuer helper(const TempDir& dir, const std::string& body) {
    write_text(dir.file("helper.sh"),
               "printf '%s|%s\\n' \"$CERTMONGER_OPERATION\" \"$CERTMONGER_CA_COOKIE\" >> "
               "\"$DIR/calls.log\"\n" +
                   body + "\n");
    profile::Issuer config;
    config.type = profile::IssuerType::exec;
    config.command = "DIR='" + dir.path().string() + "' sh '" + dir.file("helper.sh") + "'";
    return config;
}

const std::string k_sign =
    "printf '%s\\n' \"$CERTMONGER_CSR\" > \"$DIR/req.pem\"\n"
    "openssl x509 -req -in \"$DIR/req.pem\" -CA \"$DIR/ca.pem\" -CAkey \"$DIR/ca.key\" "
    "-days 5 2>/dev/null && cat \"$DIR/ca.pem\"";

// Whether the process is gone or a zombie (killed; its parent, the killed shell, cannot reap it,
// so init does, whenever it gets to it). SIGKILL takes effect when the process is next
// scheduled, so this polls with a bounded backoff (about 2.5 s in all).
bool stopped(int pid) {
    auto wait = std::chrono::milliseconds(5);
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
        auto close = stat.rfind(')');
        if (stat.empty() || (close != std::string::npos && stat.substr(close + 2, 1) == "Z")) {
            return true;
        }
        std::this_thread::sleep_for(wait);
        wait *= 2;
    }
    return false;
}

} // namespace

TEST_CASE("exec: exit 0 is the certificate, the CSR went in CERTMONGER_CSR", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Context context;
    // A secret the profile reads from the environment must not reach the helper.
    ::setenv("AMTCFG_TEST_SECRET", "hunter2", 1);
    auto issuer = ca::make_issuer(helper(dir, "env > \"$DIR/env\"\n" + k_sign), context.get());
    CHECK_THAT(issuer->describe(), Catch::StartsWith("the submit helper \"DIR="));
    CHECK(issuer->trust_anchors().empty()); // no trusted-ca: the flow needs --amt-ca
    auto key = rsa_key();
    auto issued = issuer->issue({signed_request(key.get(), "ws01.corp.example"), "CN=ws01"});
    Cert certificate = parse_der(issued.certificate_der);
    CHECK(EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) == 1);
    CHECK(subject_of(certificate.get()) == "/CN=ws01.corp.example");
    CHECK(issued.ca_chain == std::vector<Bytes>{der_of(read_pem(dir.file("ca.pem")).get())});
    CHECK(read_text(dir.file("calls.log")) == "SUBMIT|\n");
    // What the helper saw: the request, SUBMIT, PATH; no cookie yet, and nothing else of ours.
    std::string environment = read_text(dir.file("env"));
    CHECK(environment.find("CERTMONGER_OPERATION=SUBMIT\n") != std::string::npos);
    CHECK(environment.find("PATH=") != std::string::npos);
    CHECK(environment.find("CERTMONGER_CA_COOKIE") == std::string::npos);
    CHECK(environment.find("AMTCFG_TEST_SECRET") == std::string::npos);
    CHECK_THAT(read_text(dir.file("req.pem")),
               Catch::StartsWith("-----BEGIN CERTIFICATE REQUEST-----"));

    ::unsetenv("AMTCFG_TEST_SECRET");
    auto config = helper(dir, k_sign);
    config.trusted_ca = dir.file("ca.pem");
    CHECK(ca::make_issuer(config, context.get())->trust_anchors() ==
          std::vector<Bytes>{der_of(read_pem(dir.file("ca.pem")).get())});
}

TEST_CASE("exec: wait (1) and wait with a delay (5) poll again with the cookie", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Context context(Deadline(std::chrono::seconds(30)));
    auto config = helper(dir, "case \"$CERTMONGER_OPERATION|$CERTMONGER_CA_COOKIE\" in\n"
                              "SUBMIT\\|) echo first-cookie; exit 1;;\n"
                              "POLL\\|first-cookie) printf '0\\nsecond-cookie\\n'; exit 5;;\n"
                              "POLL\\|second-cookie) ;;\n"
                              "*) exit 9;;\n"
                              "esac\n" +
                                  k_sign);
    auto key = rsa_key();
    auto issued =
        ca::make_issuer(config, context.get())->issue({signed_request(key.get(), "a.example"), ""});
    CHECK(!issued.certificate_der.empty());
    CHECK(read_text(dir.file("calls.log")) == "SUBMIT|\nPOLL|first-cookie\nPOLL|second-cookie\n");
}

TEST_CASE("exec: rejected, failing and lying helpers are certificate_failed", "[unit]") {
    TempDir dir;
    make_ca(dir);
    Context context;
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "a.example");
    std::string message;
    auto issue = [&](const std::string& body) {
        return category_of(
            [&] {
                ca::make_issuer(helper(dir, body), context.get())->issue({request, ""});
            },
            &message);
    };
    CHECK(issue("echo 'challenge password is wrong'; exit 2") == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("the CA rejected the request (the submit helper") &&
                            Catch::EndsWith("): challenge password is wrong"));
    CHECK(issue("echo 'bad config'; exit 4") == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::EndsWith("missing configuration (exit 4): bad config"));
    CHECK(issue("exit 7") == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::Contains("exit status 7"));
    auto killed = helper(dir, "");
    killed.command = "kill -9 $$";
    CHECK(category_of(
              [&] {
                  ca::make_issuer(killed, context.get())->issue({request, ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::EndsWith("ended by a signal"));
    // A certificate for another key (here: the CA's own) is not AMT's.
    CHECK(issue("cat \"$DIR/ca.pem\"") == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::StartsWith("the submit helper printed a certificate for another "
                                          "key"));
}

TEST_CASE("exec: unreachable is retried within the deadline, then fails", "[unit]") {
    TempDir dir;
    Context context(Deadline(std::chrono::milliseconds(1500)));
    auto key = rsa_key();
    std::string message;
    auto start = std::chrono::steady_clock::now();
    CHECK(category_of(
              [&] {
                  ca::make_issuer(helper(dir, "echo 'no route to ca.example'; exit 3"),
                                  context.get())
                      ->issue({signed_request(key.get(), "a.example"), ""});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
    CHECK_THAT(message, Catch::StartsWith("the CA is unreachable") &&
                            Catch::EndsWith(": no route to ca.example"));
    std::string calls = read_text(dir.file("calls.log"));
    CHECK(calls.rfind("SUBMIT|\nSUBMIT|\n", 0) == 0); // retried, as a submission
}

TEST_CASE("exec: the helper is stopped when the deadline ends", "[unit]") {
    TempDir dir;
    // Long enough for a loaded machine to start the helper; far shorter than its sleep.
    Context context(Deadline(std::chrono::seconds(2)));
    auto key = rsa_key();
    auto start = std::chrono::steady_clock::now();
    CHECK(category_of([&] {
              ca::make_issuer(helper(dir, "echo $$ > \"$DIR/pid\"; exec sleep 30"), context.get())
                  ->issue({signed_request(key.get(), "a.example"), ""});
          }) == ErrorCategory::timed_out);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(stopped(std::stoi(read_text(dir.file("pid")))));

    // A wait the helper asks for that would outlast the deadline ends it at once.
    Context later(Deadline(std::chrono::seconds(10)));
    start = std::chrono::steady_clock::now();
    CHECK(category_of([&] {
              ca::make_issuer(helper(dir, "printf '60\\nc\\n'; exit 5"), later.get())
                  ->issue({signed_request(key.get(), "a.example"), ""});
          }) == ErrorCategory::timed_out);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("exec: a request that does not verify never reaches the helper", "[unit]") {
    TempDir dir;
    Context context;
    auto key = rsa_key();
    Bytes request = signed_request(key.get(), "a.example");
    request[request.size() - 5] ^= 0x01;
    CHECK(category_of([&] {
              ca::make_issuer(helper(dir, k_sign), context.get())->issue({request, ""});
          }) == ErrorCategory::certificate_failed);
    CHECK(read_text(dir.file("calls.log")).empty());
}

TEST_CASE("exec: certmonger's scep-submit asks for SCEP messages signed with the key", "[unit]") {
    const std::string scep_submit = "/usr/lib/certmonger/scep-submit";
    if (!have_program(scep_submit) || !have_program(k_scepserver)) {
        WARN("scep-submit or scepserver is missing (apt-get install certmonger scep): skipped");
        return;
    }
    ScepServer server("s3cret-challenge");
    profile::Issuer config;
    config.type = profile::IssuerType::exec;
    config.command = scep_submit + " -u " + server.url() + " -r '" + server.ca_pem() + "' -R '" +
                     server.ca_pem() + "'";
    Context context(Deadline(std::chrono::seconds(30)));
    auto key = rsa_key();
    std::string message;
    CHECK(category_of(
              [&] {
                  ca::make_issuer(config, context.get())
                      ->issue({signed_request(key.get(), "a.example", {}, "s3cret-challenge"),
                               "CN=a.example"});
              },
              &message) == ErrorCategory::certificate_failed);
    CHECK_THAT(message, Catch::Contains("wants SCEP messages signed with the request's private "
                                        "key (exit 16)"));
}
