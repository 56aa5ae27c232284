// configure with <tls>: AMT's certificate from a CA, verified over TLS; re-runs change nothing;
// a CA that refuses is exit 35 and leaves AMT as it was (issue 12).
#include "background.hpp"
#include "sim_support.hpp"

#include "fakes/loopback.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};

// A local CA made once per test run with the openssl CLI (no key is committed).
const std::string& lab_ca() {
    static TempDir dir;
    static bool made = false;
    if (!made) {
        auto r = run({"sh", "-c",
                      "cd \"$0\" && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key "
                      "-out ca.pem -days 3650 -subj '/CN=amtcfg Lab CA' -addext "
                      "basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
                      "2>/dev/null",
                      dir.path()});
        INFO(r.err);
        REQUIRE(r.status == 0);
        made = true;
    }
    return dir.path();
}

std::string tls_profile(const std::string& issuer, const std::string& tls_attributes = "",
                        const std::string& password = "env:AMT_PW") {
    return ccm_profile(password, "  <tls mode=\"server\"" + tls_attributes + ">\n    " + issuer +
                                     "\n  </tls>\n");
}

std::string file_issuer() {
    return "<issuer type=\"file\" ca-certificate=\"" + lab_ca() + "/ca.pem\" ca-key=\"" + lab_ca() +
           "/ca.key\"/>";
}

// The Debian scep package's scepserver with a CA depot of its own, on a free loopback port.
struct ScepServer {
    TempDir dir;
    std::uint16_t port = closed_port();
    std::unique_ptr<Background> process;

    explicit ScepServer(const std::string& challenge) {
        auto init = run({"scepserver", "ca", "-init", "-depot", dir.file("depot"), "-keySize",
                         "2048", "-organization", "amtcfg test", "-country", "DE"});
        INFO(init.err);
        REQUIRE(init.status == 0);
        process = std::make_unique<Background>(
            std::vector<std::string>{"scepserver", "-depot", dir.file("depot"), "-port",
                                     std::to_string(port), "-challenge", challenge});
        // Ready when it accepts: a bounded backoff, 10 ms doubling, about 10 s in all.
        auto pause = std::chrono::milliseconds(10);
        for (int attempt = 0; attempt < 14 && !port_accepts(port); ++attempt) {
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(1000));
        }
        INFO(process->err());
        REQUIRE(port_accepts(port));
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/scep"; }
};

bool contains(const nlohmann::json& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

TEST_CASE("<tls> with a local CA: AMT serves the issued certificate, verified; a re-run changes "
          "nothing",
          "[cli][tls]") {
    auto via = each_path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device;
    // With the escrow file later runs find the pin of AMT's certificate, which tells them that
    // AMT's local ports take only TLS now (over LME the forwarded ports tell as well).
    std::string escrow = device.dir().file("escrow.jsonl");
    auto profile = device.write(
        "tls.xml", tls_profile(file_issuer(), " common-name=\"amt.corp.example\"", "random"));
    auto configure = [&](const std::string& file) {
        return device.amtcfg(
            over(via, {"--json", "configure", "--profile", file, "--escrow", escrow}), via.sim,
            k_env);
    };
    auto r = configure(profile);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto result = r.json();
    CHECK(contains(result["changed"], "tls"));
    CHECK(result["tls"]["verified"] == true);
    CHECK(result["tls"]["subject"] == "CN=amt.corp.example");
    CHECK(result["tls"]["issuer"] == "CN=amtcfg Lab CA");

    auto again = configure(profile);
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(again.json()["changed"].empty());
    CHECK(contains(again.json()["unchanged"], "tls"));

    // Other names: a new certificate.
    auto renamed = device.write(
        "renamed.xml", tls_profile(file_issuer(), " common-name=\"amt2.corp.example\"", "random"));
    auto third = configure(renamed);
    INFO(third.err);
    REQUIRE(third.status == 0);
    CHECK(third.json()["tls"]["subject"] == "CN=amt2.corp.example");

    // The CA verifies what AMT serves now; so does the pin the last run recorded.
    for (const auto& trust :
         std::vector<std::vector<std::string>>{{"--amt-ca", lab_ca() + "/ca.pem"}, {}}) {
        std::vector<std::string> args{"--json", "info", "--password", "escrow:" + escrow};
        args.insert(args.end(), trust.begin(), trust.end());
        auto info = device.amtcfg(over(via, args), via.sim, k_env);
        INFO(info.err);
        REQUIRE(info.status == 0);
        CHECK(info.json()["configuration"]["tls"]["enabled"] == true);
        CHECK(info.json()["tls"]["verified"] == true);
        CHECK(info.json()["tls"]["chain"][0] == "CN=amt2.corp.example");
    }
}

TEST_CASE("<tls>: a CA that refuses is exit 35 with what it said, and TLS stays as it was",
          "[cli][tls]") {
    SimDevice device;
    auto refusing =
        device.write("refuse.sh", "#!/bin/sh\necho 'request denied by policy'\nexit 2\n");
    auto profile =
        device.write("tls.xml", tls_profile("<issuer type=\"exec\" command=\"sh " + refusing +
                                            "\" trusted-ca=\"" + lab_ca() + "/ca.pem\"/>"));
    auto r = device.amtcfg({"configure", "--profile", profile}, {}, k_env);
    INFO(r.err);
    CHECK(r.status == 35);
    CHECK(r.err.find("request denied by policy") != std::string::npos);
    auto info = device.amtcfg({"--json", "info", "--password", "env:AMT_PW"}, {}, k_env);
    REQUIRE(info.status == 0);
    CHECK(info.json()["configuration"]["tls"]["enabled"] == false);
    // The key pair AMT generated for the refused request is gone.
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    INFO(state.dump());
    CHECK(state.value("key_pairs", nlohmann::json::array()).empty());
}

TEST_CASE("maintain --auto renews AMT's certificate when it expires within renew-certificate-days",
          "[cli][tls]") {
    SimDevice device;
    std::string escrow = device.dir().file("escrow.jsonl");
    auto issuer = "<issuer type=\"file\" ca-certificate=\"" + lab_ca() + "/ca.pem\" ca-key=\"" +
                  lab_ca() + "/ca.key\" validity-days=\"10\"/>";
    auto profile = [&](const std::string& days) {
        return device.write(
            "tls-" + days + ".xml",
            ccm_profile("env:AMT_PW", "  <tls mode=\"server\">\n    " + issuer +
                                          "\n  </tls>\n  <maintenance renew-certificate-days=\"" +
                                          days + "\"/>\n"));
    };
    auto r = device.amtcfg({"--json", "configure", "--profile", profile("5"), "--escrow", escrow},
                           {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::string first = r.json()["tls"]["not_after"];

    auto quiet = device.amtcfg({"--json", "maintain", "--auto", "--profile", profile("5"),
                                "--password", "env:AMT_PW", "--escrow", escrow},
                               {}, k_env);
    INFO(quiet.err);
    REQUIRE(quiet.status == 0);
    CHECK(check_named(quiet.json(), "certificate")["due"] == false);

    auto renewed = device.amtcfg({"--json", "maintain", "--auto", "--profile", profile("30"),
                                  "--password", "env:AMT_PW", "--escrow", escrow},
                                 {}, k_env);
    INFO(renewed.err);
    REQUIRE(renewed.status == 0);
    auto check = check_named(renewed.json(), "certificate");
    CHECK(check["done"] == true);
    CHECK(check["detail"].get<std::string>().find("expires") != std::string::npos);
    // One certificate and one key pair remain: the old ones were removed.
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    CHECK(state["key_pairs"].size() == 1);
}

TEST_CASE("<tls> on a TLS-enforced AMT 19: the configured certificate replaces AMT's own and is "
          "pinned",
          "[cli][tls][amt19]") {
    SimDevice device(R"({"amt_version": "19.0.5", "tls_enforced": true, "control_mode": 0,
                         "provisioning_state": 0})");
    std::string escrow = device.dir().file("escrow.jsonl");
    auto profile = device.write("tls.xml", tls_profile(file_issuer()));
    std::vector<std::string> root{"--amt-ondie-root", sim_tls_dir() + "/ondie-root.pem"};
    auto args = root;
    args.insert(args.end(), {"--json", "configure", "--profile", profile, "--escrow", escrow});
    auto r = device.amtcfg(args, {}, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["tls"]["verified"] == true);
    auto info = device.amtcfg(
        {"--json", "info", "--password", "env:AMT_PW", "--amt-ca", lab_ca() + "/ca.pem"}, {},
        k_env);
    INFO(info.err);
    REQUIRE(info.status == 0);
    CHECK(info.json()["tls"]["chain"][0] == r.json()["tls"]["subject"]);
    auto again = device.amtcfg(args, {}, k_env);
    INFO(again.err);
    CHECK(again.status == 0);
    CHECK(again.json()["changed"].empty());
}

TEST_CASE("<tls> from an SCEP server (Debian's scepserver): issued, served and verified; a wrong "
          "challenge is exit 35 with AMT unchanged",
          "[cli][tls]") {
    auto via = each_path();
    INFO("amtcfg " << via.options[1]);
    ScepServer scep("amt-enrol-1");
    SimDevice device;
    auto profile =
        device.write("scep.xml", tls_profile("<issuer type=\"scep\" url=\"" + scep.url() +
                                             "\" challenge-source=\"env:SCEP_CHALLENGE\"/>"));
    auto env = k_env;
    env["SCEP_CHALLENGE"] = "wrong-one";
    auto refused = device.amtcfg(over(via, {"configure", "--profile", profile}), via.sim, env);
    INFO(refused.err);
    CHECK(refused.status == 35);
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    CHECK(state.value("key_pairs", nlohmann::json::array()).empty());

    env["SCEP_CHALLENGE"] = "amt-enrol-1";
    auto r = device.amtcfg(over(via, {"--json", "configure", "--profile", profile}), via.sim, env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["tls"]["verified"] == true);
    CHECK(r.json()["tls"]["issuer"].get<std::string>().find("amtcfg test") != std::string::npos);
}

TEST_CASE("<tls> from a CMP server (openssl cmp's mock): issued with reference and secret, served "
          "and verified",
          "[cli][tls]") {
    auto via = each_path();
    INFO("amtcfg " << via.options[1]);
    // The mock answers every request with one fixed certificate, so the test makes it in advance
    // for the key the simulated AMT will generate (the device file's pregenerated_keys).
    TempDir dir;
    auto made =
        run({"sh", "-c",
             "cd \"$0\" && openssl genrsa -traditional -out amt.key 2048 2>/dev/null && "
             "openssl req -new -key amt.key -subj /CN=simhost -out amt.csr && "
             "openssl x509 -req -in amt.csr -CA \"$1/ca.pem\" -CAkey \"$1/ca.key\" -CAcreateserial "
             "-CAserial serial -days 30 -out amt.pem 2>/dev/null && "
             "printf 'cmp-secret-1\\n' > secret",
             dir.path(), lab_ca()});
    INFO(made.err);
    REQUIRE(made.status == 0);
    auto port = closed_port();
    Background mock({"openssl", "cmp", "-port", std::to_string(port), "-srv_ref", "amt-ref",
                     "-srv_secret", "file:" + dir.file("secret"), "-srv_cert", lab_ca() + "/ca.pem",
                     "-srv_key", lab_ca() + "/ca.key", "-rsp_cert", dir.file("amt.pem"),
                     "-rsp_extracerts", lab_ca() + "/ca.pem"});
    auto pause = std::chrono::milliseconds(10);
    for (int attempt = 0; attempt < 14 && !port_accepts(port); ++attempt) {
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
    REQUIRE(port_accepts(port));

    nlohmann::json device_file{{"pregenerated_keys", {file_content(dir.file("amt.key"))}}};
    SimDevice device(device_file.dump());
    auto profile = device.write(
        "cmp.xml",
        tls_profile("<issuer type=\"cmp\" url=\"http://127.0.0.1:" + std::to_string(port) +
                        "/pkix/\" reference=\"amt-ref\" secret-source=\"env:CMP_SECRET\" "
                        "trusted-ca=\"" +
                        lab_ca() + "/ca.pem\"/>",
                    " common-name=\"simhost\" dns-names=\"simhost\""));
    auto env = k_env;
    env["CMP_SECRET"] = "cmp-secret-1";
    auto r = device.amtcfg(over(via, {"--json", "configure", "--profile", profile}), via.sim, env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["tls"]["verified"] == true);
    CHECK(r.json()["tls"]["subject"] == "CN=simhost");
}

TEST_CASE("<tls> through a certmonger-style helper (exec), in mutual mode: issued, served, "
          "verified",
          "[cli][tls]") {
    auto via = each_path();
    INFO("amtcfg " << via.options[1]);
    SimDevice device;
    // The site's own helper: it signs the request in CERTMONGER_CSR with the lab CA.
    auto helper = device.write(
        "sign.sh", "#!/bin/sh\nset -e\nd=$(mktemp -d)\nprintf '%s\\n' \"$CERTMONGER_CSR\" > "
                   "\"$d/req.pem\"\nopenssl x509 -req -in \"$d/req.pem\" -CA '" +
                       lab_ca() + "/ca.pem' -CAkey '" + lab_ca() +
                       "/ca.key' -CAcreateserial -CAserial \"$d/serial\" -days 30 "
                       "-copy_extensions copy 2>/dev/null\nrm -rf \"$d\"\n");
    auto profile = device.write(
        "exec.xml", ccm_profile("env:AMT_PW", "  <tls mode=\"mutual\" trusted-root=\"" + lab_ca() +
                                                  "/ca.pem\" trusted-cn=\"console.corp.example\">\n"
                                                  "    <issuer type=\"exec\" command=\"sh " +
                                                  helper + "\" trusted-ca=\"" + lab_ca() +
                                                  "/ca.pem\"/>\n" + "  </tls>\n"));
    auto r =
        device.amtcfg(over(via, {"--json", "configure", "--profile", profile}), via.sim, k_env);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.json()["tls"]["verified"] == true);
    CHECK(r.json()["tls"]["issuer"] == "CN=amtcfg Lab CA");
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    INFO(state.dump());
    CHECK(state["clock_set"] == true);
}

TEST_CASE("unconfigure removes amtcfg's TLS objects before Unprovision and says what it removed",
          "[cli][tls]") {
    SimDevice device;
    auto profile = device.write("tls.xml", tls_profile(file_issuer()));
    auto configure = [&] {
        auto r = device.amtcfg({"--json", "configure", "--profile", profile}, {}, k_env);
        INFO(r.err);
        REQUIRE(r.status == 0);
        REQUIRE(r.json()["tls"]["verified"] == true);
    };
    auto state = [&] { return nlohmann::json::parse(file_content(device.state_file())); };
    auto unconfigure = [&](const std::vector<std::string>& sim) {
        return device.amtcfg(
            {"--json", "unconfigure", "--password", "env:AMT_PW", "--amt-ca", lab_ca() + "/ca.pem"},
            sim, k_env);
    };

    // Unprovision refused: what amtcfg removed before it is gone, AMT is still activated.
    configure();
    REQUIRE(!state()["tls_credential_context"].is_null());
    auto refused =
        unconfigure({"--fault", "wsman-return:AMT_SetupAndConfigurationService.Unprovision=1"});
    INFO(refused.err);
    CHECK(refused.status == 33);
    CHECK(refused.err.find("without its TLS certificate") != std::string::npos);
    auto after = state();
    CHECK(after["control_mode"] == 1);
    CHECK(after["tls_credential_context"].is_null());
    CHECK(after["certificates"].empty());
    CHECK(after["key_pairs"].empty());

    // AMT gets a certificate again (a new context); unconfigure names what it removed.
    configure();
    auto before = state();
    REQUIRE(before["certificates"].size() == 1);
    REQUIRE(before["key_pairs"].size() == 1);
    auto r = unconfigure({});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto removed = r.json()["tls_removed"];
    CHECK(removed["credential_context"] == true);
    CHECK(removed["certificates"] ==
          nlohmann::json::array({"Intel(r) AMT Certificate: Handle: " +
                                 std::to_string(before["certificates"][0]["handle"].get<int>())}));
    CHECK(removed["key_pairs"] ==
          nlohmann::json::array({"Intel(r) AMT Key: Handle: " +
                                 std::to_string(before["key_pairs"][0]["handle"].get<int>())}));
    CHECK(!removed.contains("error"));
    CHECK(r.json()["control_mode"] == "pre-provisioning");

    // A removal AMT refuses is reported; unprovisioning, which erases them, goes on.
    configure();
    auto faulted = unconfigure({"--fault", "wsman-fault:AMT_TLSCredentialContext.Delete"});
    INFO(faulted.err);
    REQUIRE(faulted.status == 0);
    auto reported = faulted.json()["tls_removed"];
    CHECK(reported["credential_context"] == false);
    CHECK(reported["error"].get<std::string>().find("AMT_TLSCredentialContext Delete") !=
          std::string::npos);
    CHECK(faulted.err.find("cannot remove amtcfg's TLS objects") != std::string::npos);
    CHECK(faulted.json()["control_mode"] == "pre-provisioning");

    // Over AMTHI (CCM, no password) there is no WS-Man session: nothing is claimed.
    configure();
    auto amthi = device.amtcfg({"--json", "unconfigure"}, {}, k_env);
    INFO(amthi.err);
    REQUIRE(amthi.status == 0);
    CHECK(amthi.json()["method"] == "amthi");
    CHECK(amthi.json()["tls_removed"].is_null());
}
