// The RPS envelope both ways, and the client's command lines.
#include "amtcfg/rps/message.hpp"
#include "amtcfg/rps/payload.hpp"

#include "amtcfg/util/error.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace amtcfg;

TEST_CASE("a message encodes with RPS's field names and decodes back") {
    rps::Message message;
    message.method = "response";
    message.app_version = "0.1.0";
    message.status = "ok";
    message.message = "ok";
    message.fqdn = "corp.example";
    message.payload = "SFRUUC8xLjE=";
    message.tenant_id = "t1";
    auto object = nlohmann::json::parse(rps::encode(message));
    CHECK(object["method"] == "response");
    CHECK(object["apiKey"] == "key");
    CHECK(object["appVersion"] == "0.1.0");
    CHECK(object["protocolVersion"] == "4.0.0");
    CHECK(object["tenantId"] == "t1");
    CHECK(object["payload"] == "SFRUUC8xLjE=");
    auto back = rps::decode(rps::encode(message));
    CHECK(back.method == "response");
    CHECK(back.fqdn == "corp.example");
    CHECK(back.payload == message.payload);
}

TEST_CASE("decoding takes absent and null fields as empty") {
    auto message = rps::decode(R"({"method":"success","message":null})");
    CHECK(message.method == "success");
    CHECK(message.message.empty());
    CHECK(message.protocol_version.empty());
}

TEST_CASE("what is not an RPS message is the server's failure, with what came") {
    auto failure = [](std::string_view text) -> std::string {
        try {
            rps::decode(text);
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::server_unreachable);
            return error.what();
        }
        return {};
    };
    CHECK_THAT(failure("<html>502 Bad Gateway</html>"), Catch::Contains("not JSON"));
    CHECK_THAT(failure("<html>502 Bad Gateway</html>"), Catch::Contains("502 Bad Gateway"));
    CHECK_THAT(failure("[1,2]"), Catch::Contains("not a JSON object"));
    CHECK_THAT(failure(R"({"status":"ok"})"), Catch::Contains("no \"method\""));
    CHECK_THAT(failure(R"({"method":"wsman","payload":5})"),
               Catch::Contains("\"payload\" is not a string"));
}

TEST_CASE("command lines are as RPS's minimist parser reads them") {
    CHECK(rps::activate_command("ccm-profile") == "activate --profile ccm-profile");
    Secret password("P@ssw0rd!");
    CHECK(rps::deactivate_command(password, false).reveal() == "deactivate --password P@ssw0rd!");
    CHECK(rps::deactivate_command(password, true).reveal() == "deactivate --password P@ssw0rd! -f");
    CHECK(rps::maintenance_command(password, rps::MaintenanceTask::sync_clock).reveal() ==
          "maintenance --password P@ssw0rd! --synctime");
    CHECK(rps::maintenance_command(password, rps::MaintenanceTask::sync_hostname).reveal() ==
          "maintenance --password P@ssw0rd! --synchostname");
    CHECK(rps::task_option(rps::MaintenanceTask::change_password) == "changepassword");
}

TEST_CASE("the payload carries the reference's fields, and a masked password on request") {
    rps::DevicePayload payload;
    payload.version = "16.1.25";
    payload.build = "2051";
    payload.sku = "16392";
    payload.uuid = "4c4c4544-0000-1000-8000-000000000001";
    payload.username = "$$OsAdmin";
    payload.password = Secret("lsa-secret");
    payload.current_mode = 0;
    payload.cert_hashes = {"aa", "bb"};
    payload.friendly_name = "desk-7";
    auto real = nlohmann::json::parse(rps::payload_json(payload, false).reveal());
    CHECK(real["ver"] == "16.1.25");
    CHECK(real["client"] == "RPC");
    CHECK(real["password"] == "lsa-secret");
    CHECK(real["currentMode"] == 0);
    CHECK(real["certHashes"].size() == 2);
    CHECK(real["friendlyName"] == "desk-7");
    CHECK(real["ipConfiguration"].contains("primaryDns"));
    CHECK(real["hostnameInfo"].contains("dnsSuffixOS"));
    CHECK(real["progressSupported"] == true);
    std::string masked = rps::payload_json(payload, true).reveal();
    CHECK(masked.find("lsa-secret") == std::string::npos);
    CHECK(nlohmann::json::parse(masked)["password"] == "********");
}
