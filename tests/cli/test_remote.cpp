// Remote configuration through the RPS stand-in: CCM and ACM activation, maintenance and
// deactivation relayed to the simulator over LME and LMS, and each way a server can fail.
#include "rps_standin.hpp"
#include "sim_support.hpp"

#include "fakes/loopback.hpp"
#include "fakes/tinyproxy.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", RpsStandin::k_admin_password},
                                               {"WRONG_PW", "Wr0ng!Passw0rd"}};

// Runs amtcfg with the test's passwords and without any proxy from the caller's environment
// (libcurl ignores empty proxy variables), plus `env`.
Run remote(const SimDevice& device, const Path& path, std::vector<std::string> args,
           const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), path.options.begin(), path.options.end());
    args.insert(args.begin(), "--json");
    std::map<std::string, std::string> all = k_env;
    for (const char* name : {"http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY",
                             "no_proxy", "NO_PROXY"}) {
        all[name] = "";
    }
    for (const auto& [name, value] : env) {
        all[name] = value;
    }
    return device.amtcfg(args, path.sim, all);
}

std::vector<std::string> actions(const RpsStandin& server) {
    std::vector<std::string> out;
    for (const auto& record : server.records("wsman")) {
        std::string action = record.value("action", "");
        out.push_back(action.substr(action.rfind('/') + 1));
    }
    return out;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string acm_device() {
    std::string root = file_content(test_certs() + "/root.sha256");
    root.erase(root.find_last_not_of(" \n") + 1);
    return R"({"dns_suffix": "example.com", "cert_hashes": [{"name": "amtcfg Test Root CA",
        "algorithm": "sha256", "hash": ")" +
           root + R"(", "default": false, "active": true}]})";
}

// Nothing secret in what amtcfg printed: the admin password, and the local system account's
// that the payload carries before activation.
void check_no_secrets(const SimDevice& device, const Run& result) {
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    std::string lsa = state["local_system_account"]["password"];
    REQUIRE_FALSE(lsa.empty());
    for (const std::string& secret : {std::string(RpsStandin::k_admin_password), lsa}) {
        CHECK(result.out.find(secret) == std::string::npos);
        CHECK(result.err.find(secret) == std::string::npos);
    }
}

} // namespace

TEST_CASE("a CCM activation, maintenance and deactivation through the RPS stand-in", "[remote]") {
    auto via = each_path();
    SimDevice device;
    RpsStandin server;
    auto activated = remote(device, via,
                            {"-vvv", "configure", "--server", server.url(), "--profile", "office",
                             "--friendly-name", "desk-7"});
    INFO(activated.err);
    REQUIRE(activated.status == 0);
    auto result = activated.json();
    CHECK(result["command"] == "activate");
    CHECK(result["control_mode_before"] == "pre-provisioning");
    CHECK(result["control_mode"] == "ccm");
    CHECK(result["status"]["Status"] == "Client control mode.");
    CHECK(result["relayed_requests"].get<int>() == static_cast<int>(actions(server).size()));
    CHECK(result["tls_tunnel"] == false);
    check_no_secrets(device, activated);
    CHECK(device.info()["control_mode"] == "ccm");
    // The server drove the flow itself: Setup, then the features.
    auto sent = actions(server);
    CHECK(has(sent, "Setup"));
    CHECK(has(sent, "RequestStateChange"));
    auto payload = server.records("payload").at(0);
    CHECK(payload["payload"]["password"] == "***");
    CHECK(payload["payload"]["friendlyName"] == "desk-7");
    CHECK(payload["payload"]["currentMode"] == 0);
    CHECK(server.vault()["devices"].size() == 1);

    // Again on the activated device: RPS wants the admin password it stored.
    auto without =
        remote(device, via, {"configure", "--server", server.url(), "--profile", "office"});
    CHECK(without.status == 2);
    CHECK_THAT(without.err, Catch::Contains("--password"));
    auto again = remote(
        device, via,
        {"configure", "--server", server.url(), "--profile", "office", "--password", "env:AMT_PW"});
    INFO(again.err);
    CHECK(again.status == 0);
    CHECK(again.json()["control_mode_before"] == "ccm");
    CHECK(server.records("payload").back()["payload"]["currentMode"] == 1);

    auto clock =
        remote(device, via,
               {"maintain", "--server", server.url(), "--password", "env:AMT_PW", "--sync-clock"});
    INFO(clock.err);
    CHECK(clock.status == 0);
    CHECK(clock.json()["command"] == "maintenance");
    CHECK(has(actions(server), "SetHighAccuracyTimeSynch"));

    auto hostname = remote(
        device, via,
        {"maintain", "--server", server.url(), "--password", "env:AMT_PW", "--sync-hostname"});
    INFO(hostname.err);
    CHECK(hostname.status == 0);

    auto refused = remote(device, via,
                          {"unconfigure", "--server", server.url(), "--password", "env:WRONG_PW"});
    CHECK(refused.status == 24);
    CHECK_THAT(refused.err, Catch::Contains("DOES NOT match"));
    CHECK(device.info()["control_mode"] == "ccm");

    auto deactivated = remote(
        device, via, {"-vvv", "unconfigure", "--server", server.url(), "--password", "env:AMT_PW"});
    INFO(deactivated.err);
    CHECK(deactivated.status == 0);
    CHECK(deactivated.json()["control_mode"] == "pre-provisioning");
    CHECK(device.info()["control_mode"] == "pre-provisioning");
    check_no_secrets(device, deactivated);
}

TEST_CASE("each maintenance task reaches the server as RPS's option", "[remote]") {
    SimDevice device;
    Path lme{{"--transport", "lme"}, {}};
    RpsStandin server;
    REQUIRE(remote(device, lme, {"configure", "--server", server.url(), "--profile", "office"})
                .status == 0);
    // The stand-in does these three only as far as refusing them (its README): what matters
    // here is the command line amtcfg sent, and that the refusal is exit 24 with its message.
    for (const auto& [option, wire] : std::vector<std::pair<std::string, std::string>>{
             {"--sync-ip", "--syncip"},
             {"--sync-device-info", "--syncdeviceinfo"},
             {"--rotate-password", "--changepassword"}}) {
        auto refused =
            remote(device, lme,
                   {"maintain", "--server", server.url(), "--password", "env:AMT_PW", option});
        CHECK(refused.status == 24);
        CHECK_THAT(refused.err, Catch::Contains("not supported by the stand-in"));
        CHECK_THAT(server.records("payload").back()["method"].get<std::string>(),
                   Catch::EndsWith(wire));
    }
}

TEST_CASE("an ACM activation through the RPS stand-in", "[remote]") {
    auto via = each_path();
    SimDevice device(acm_device());
    RpsStandin server;
    auto activated =
        remote(device, via, {"configure", "--server", server.url(), "--profile", "acm"});
    INFO(activated.err);
    REQUIRE(activated.status == 0);
    CHECK(activated.json()["control_mode"] == "acm");
    CHECK(activated.json()["status"]["Status"] == "Admin control mode.");
    CHECK(has(actions(server), "AdminSetup"));
    CHECK(has(actions(server), "AddNextCertInChain"));
    CHECK(device.info()["control_mode"] == "acm");
}

TEST_CASE("--dry-run shows the request with its password masked and connects to nothing",
          "[remote]") {
    SimDevice device;
    RpsStandin server;
    auto shown = device.amtcfg(
        {"--json", "configure", "--server", server.url(), "--profile", "office", "--dry-run"});
    INFO(shown.err);
    REQUIRE(shown.status == 0);
    auto payload = shown.json()["payload"];
    CHECK(payload["password"] == "********");
    CHECK(payload["client"] == "RPC");
    CHECK(payload["currentMode"] == 0);
    CHECK(payload["uuid"] == device.info()["uuid"]);
    CHECK(server.records("connect").empty());
}

TEST_CASE("the server's refusals and failures have their exit codes", "[remote]") {
    SimDevice device;
    Path lme{{"--transport", "lme"}, {}};

    SECTION("an unknown profile is the server's error, exit 24 with its message") {
        RpsStandin server;
        auto refused =
            remote(device, lme, {"configure", "--server", server.url(), "--profile", "nosuch"});
        CHECK(refused.status == 24);
        CHECK_THAT(refused.err, Catch::Contains("nosuch"));
        CHECK(refused.json()["error"]["category"] == "server_refused");
    }
    SECTION("a refused protocol version is exit 23") {
        RpsStandin server({.scenario = "refuse-version"});
        auto refused =
            remote(device, lme, {"configure", "--server", server.url(), "--profile", "office"});
        CHECK(refused.status == 23);
        CHECK_THAT(refused.err, Catch::Contains("protocol version"));
    }
    SECTION("a server closing mid-flow is exit 23, with how far it came") {
        RpsStandin server({.scenario = "close-mid-flow"});
        auto closed =
            remote(device, lme, {"configure", "--server", server.url(), "--profile", "office"});
        CHECK(closed.status == 23);
        CHECK_THAT(closed.err, Catch::Contains("after 2 relayed requests"));
    }
    SECTION("an oversized message is refused with close code 1009, exit 23") {
        RpsStandin server({.scenario = "oversized"});
        auto refused =
            remote(device, lme, {"configure", "--server", server.url(), "--profile", "office"});
        CHECK(refused.status == 23);
        auto closes = server.wait_for("client-close");
        REQUIRE(closes.size() == 1);
        CHECK(closes[0]["code"] == 1009);
    }
    SECTION("a request aimed at another port is refused and nothing is relayed") {
        RpsStandin server({.scenario = "evil-port"});
        auto refused =
            remote(device, lme, {"configure", "--server", server.url(), "--profile", "office"});
        CHECK(refused.status == 23);
        CHECK_THAT(refused.err, Catch::Contains("127.0.0.1:22"));
        CHECK_THAT(refused.err, Catch::Contains("nothing was sent"));
        auto evil = server.wait_for("evil-port");
        REQUIRE(evil.size() == 1);
        CHECK(evil[0]["response"] == false);
    }
    SECTION("a server that is not there is exit 23") {
        auto unreachable = remote(device, lme,
                                  {"configure", "--server",
                                   "ws://127.0.0.1:" + std::to_string(closed_port()) + "/activate",
                                   "--profile", "office"});
        CHECK(unreachable.status == 23);
    }
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}

TEST_CASE("heartbeats are answered", "[remote]") {
    SimDevice device;
    RpsStandin server({.scenario = "heartbeat"});
    auto activated = remote(device, {{"--transport", "lme"}, {}},
                            {"configure", "--server", server.url(), "--profile", "office"});
    INFO(activated.err);
    CHECK(activated.status == 0);
    auto beats = server.records("heartbeat");
    REQUIRE(beats.size() == 1);
    CHECK(beats[0]["ok"] == true);
}

TEST_CASE("wss: the server's certificate is verified", "[remote]") {
    SimDevice device;
    Path lme{{"--transport", "lme"}, {}};
    SECTION("trusted through --server-ca") {
        RpsStandin server({.tls = true});
        auto activated = remote(device, lme,
                                {"configure", "--server", server.url(), "--profile", "office",
                                 "--server-ca", rps_certs() + "/rps-ca.pem"});
        INFO(activated.err);
        CHECK(activated.status == 0);
    }
    SECTION("not trusted: exit 22 and nothing relayed") {
        RpsStandin server({.tls = true, .certificate_prefix = "rps-untrusted"});
        auto refused = remote(device, lme,
                              {"configure", "--server", server.url(), "--profile", "office",
                               "--server-ca", rps_certs() + "/rps-ca.pem"});
        CHECK(refused.status == 22);
        CHECK(server.records("wsman").empty());
    }
    SECTION("a certificate for another name: exit 22") {
        RpsStandin server({.tls = true, .certificate_prefix = "rps-wrong-host"});
        auto refused = remote(device, lme,
                              {"configure", "--server", server.url(), "--profile", "office",
                               "--server-ca", rps_certs() + "/rps-ca.pem"});
        CHECK(refused.status == 22);
    }
    SECTION("--server-insecure accepts it, with a warning") {
        RpsStandin server({.tls = true, .certificate_prefix = "rps-untrusted"});
        auto accepted = remote(
            device, lme,
            {"configure", "--server", server.url(), "--profile", "office", "--server-insecure"});
        INFO(accepted.err);
        CHECK(accepted.status == 0);
        CHECK_THAT(accepted.err, Catch::Contains("--server-insecure"));
    }
}

TEST_CASE("--server usage errors name the fix", "[remote]") {
    SimDevice device;
    auto many = device.amtcfg({"maintain", "--server", "ws://127.0.0.1:1/", "--password",
                               "env:AMT_PW", "--sync-clock", "--sync-hostname"},
                              {}, k_env);
    CHECK(many.status == 2);
    CHECK_THAT(many.err, Catch::Contains("exactly one"));
    auto no_password = device.amtcfg({"unconfigure", "--server", "ws://127.0.0.1:1/"});
    CHECK(no_password.status == 2);
    CHECK_THAT(no_password.err, Catch::Contains("--password"));
    auto bad_url = device.amtcfg({"configure", "--server", "ftp://x/", "--profile", "office"});
    CHECK(bad_url.status == 2);
    auto escrow = device.amtcfg({"configure", "--server", "ws://127.0.0.1:1/", "--profile",
                                 "office", "--escrow", device.dir().file("escrow")});
    CHECK(escrow.status == 2);
}

TEST_CASE("through a real HTTP proxy: --proxy, https_proxy, and proxy authentication", "[remote]") {
    SimDevice device;
    Path lme{{"--transport", "lme"}, {}};
    SECTION("ws through --proxy") {
        RpsStandin server;
        TinyProxy proxy;
        auto activated = remote(
            device, lme,
            {"configure", "--server", server.url(), "--profile", "office", "--proxy", proxy.url()});
        INFO(activated.err);
        CHECK(activated.status == 0);
        CHECK_THAT(proxy.log(), Catch::Contains("CONNECT 127.0.0.1:"));
    }
    SECTION("wss through https_proxy, with the proxy's credentials, which are never shown") {
        RpsStandin server({.tls = true});
        TinyProxy proxy({.user = "deploy", .password = "Pr0xy-Secret"});
        auto activated = remote(device, lme,
                                {"-vvv", "configure", "--server", server.url(), "--profile",
                                 "office", "--server-ca", rps_certs() + "/rps-ca.pem"},
                                {{"https_proxy", proxy.url_with_credentials()}});
        INFO(activated.err);
        CHECK(activated.status == 0);
        CHECK_THAT(proxy.log(), Catch::Contains("CONNECT 127.0.0.1:"));
        CHECK(activated.err.find("Pr0xy-Secret") == std::string::npos);
        CHECK(activated.out.find("Pr0xy-Secret") == std::string::npos);
    }
    SECTION("a proxy that wants credentials and gets none: exit 23 naming the proxy's answer") {
        RpsStandin server;
        TinyProxy proxy({.user = "deploy", .password = "Pr0xy-Secret"});
        auto refused = remote(
            device, lme,
            {"configure", "--server", server.url(), "--profile", "office", "--proxy", proxy.url()});
        CHECK(refused.status == 23);
        CHECK_THAT(refused.err, Catch::Contains("407"));
        CHECK(server.records("connect").empty());
    }
}

TEST_CASE("AMT 19 with TLS enforced: the server's TLS tunnel through the relay", "[remote]") {
    auto via = each_path();
    SimDevice device(R"({"amt_version": "19.0.5", "build": "1421", "tls_enforced": true,
        "control_mode": 0, "provisioning_state": 0})");
    RpsStandin server({.ondie_root = sim_tls_dir() + "/ondie-root.pem"});
    auto activated =
        remote(device, via, {"configure", "--server", server.url(), "--profile", "office"});
    INFO(activated.err);
    REQUIRE(activated.status == 0);
    auto result = activated.json();
    CHECK(result["tls_tunnel"] == true);
    CHECK(result["control_mode"] == "ccm");
    CHECK(server.records("payload").at(0)["payload"]["tlsTunnel"] == true);
    CHECK(has(actions(server), "CommitChanges"));
    CHECK(device.info()["control_mode"] == "ccm");
    auto deactivated = remote(
        device, via, {"-vvv", "unconfigure", "--server", server.url(), "--password", "env:AMT_PW"});
    INFO(deactivated.err);
    CHECK(deactivated.status == 0);
    CHECK(deactivated.json()["tls_tunnel"] == true);
    CHECK(device.info()["control_mode"] == "pre-provisioning");
}
