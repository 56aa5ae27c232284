// The simulated WS-Man service end to end over HTTP bytes: auth, envelopes, faults, latency.
#include "wsman/digest.hpp"
#include "wsman/service.hpp"

#include "support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace amtcfg::sim;
using test::DigestClient;
using test::element_text;

namespace {

struct Fixture {
    test::FakeWorld world;
    DeviceModel model{default_device()};
    WsmanFaults faults;
    std::unique_ptr<WsmanService> service;

    WsmanService& start() {
        service = std::make_unique<WsmanService>(model, faults, world.environment());
        return *service;
    }
    DigestClient lsa() {
        auto device = model.snapshot();
        return DigestClient(*service, device.lsa_username, device.lsa_password);
    }
    // Activates the device (ACM) and returns its admin: the local system account may not make
    // most calls before activation.
    DigestClient admin() {
        model.modify([](DeviceState& s) {
            s.control_mode = 2;
            s.provisioning_state = 2;
            s.admin_password = "P@ssw0rd!";
        });
        return DigestClient(*service, "admin", "P@ssw0rd!");
    }
    void add_fault(std::string_view spec) {
        auto parsed = FaultList::parse(spec);
        auto more = wsman_faults(parsed, 0);
        faults.http500.merge(more.http500);
        faults.soap_fault.merge(more.soap_fault);
        faults.drop.merge(more.drop);
        faults.return_value.merge(more.return_value);
        faults.delay_ms.merge(more.delay_ms);
        faults.digest_stale = faults.digest_stale || more.digest_stale;
    }
};

} // namespace

TEST_CASE("a request without credentials gets AMT's 401", "[unit][sim]") {
    Fixture f;
    auto& service = f.start();
    auto bytes = service.handle_bytes(
        test::http_post(test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "")));
    auto response = test::read_response(bytes);
    CHECK(response.status == 401);
    CHECK(response.headers["content-type"] == "text/html");
    CHECK(response.headers["connection"] == "close");
    CHECK(response.headers["www-authenticate"].starts_with(
        "Digest realm=\"Digest:A3829B3827DE4D33D4449B366831B8B5\", nonce=\""));
    CHECK(response.body.find("<html>") != std::string::npos);
    CHECK(service.stats().wsman_calls == 0);
    CHECK(service.stats().auth_challenges == 1);
}

TEST_CASE("the LSA reads GeneralSettings before activation", "[unit][sim]") {
    Fixture f;
    f.start();
    auto client = f.lsa();
    auto response = client.get("AMT_GeneralSettings");
    REQUIRE(response.status == 200);
    CHECK(response.chunked);
    CHECK(response.headers["server"] == "Intel(R) Active Management Technology 16.1.25");
    CHECK(response.headers["x-frame-options"] == "DENY");
    CHECK(response.headers["content-type"] == "application/soap+xml; charset=UTF-8");
    CHECK(element_text(response.body, "DigestRealm") == f.model.snapshot().realm);
    CHECK(element_text(response.body, "HostName") == "simhost");
    CHECK(element_text(response.body, "Action") ==
          "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse");
    CHECK(element_text(response.body, "MessageID") == "uuid:00000000-8086-8086-8086-000000000001");
    CHECK_FALSE(element_text(response.body, "RelatesTo").empty());
    CHECK(response.body.find("<g:AMT_GeneralSettings>") != std::string::npos);
    CHECK(f.service->stats().wsman_calls == 1);
}

TEST_CASE("a wrong password stays a 401, never a SOAP fault", "[unit][sim]") {
    Fixture f;
    f.start();
    DigestClient client(*f.service, "$$OsAdmin", "wrong");
    auto response = client.get("AMT_GeneralSettings");
    CHECK(response.status == 401);
    CHECK(f.service->stats().wsman_calls == 0);
    DigestClient admin(*f.service, "admin", "whatever"); // no admin before activation
    CHECK(admin.get("AMT_GeneralSettings").status == 401);
}

TEST_CASE("digest-stale makes the client answer a stale challenge", "[unit][sim]") {
    Fixture f;
    f.add_fault("digest-stale");
    f.start();
    auto client = f.lsa();
    CHECK(client.get("AMT_GeneralSettings").status == 200);
    CHECK(client.challenges == 2);
    CHECK(client.last_stale == "true");
}

TEST_CASE("unknown classes, bad selectors and unknown actions are faults", "[unit][sim]") {
    Fixture f;
    f.start();
    auto client = f.admin();
    auto unknown = client.get("AMT_NoSuchClass");
    CHECK(unknown.status == 400);
    CHECK(element_text(unknown.body, "Value") == "a:Sender");
    CHECK(test::element_texts(unknown.body, "Value").at(1) == "b:DestinationUnreachable");
    CHECK(unknown.headers["connection"] == "close");
    auto selector = client.get("AMT_EthernetPortSettings", {{"InstanceID", "nope"}});
    CHECK(test::element_texts(selector.body, "Value").at(1) == "e:InvalidSelectors");
    auto method = client.invoke("AMT_GeneralSettings", "Explode", "");
    CHECK(test::element_texts(method.body, "Value").at(1) == "b:ActionNotSupported");
    auto garbage = client.post("<not-soap/>");
    CHECK(test::element_texts(garbage.body, "Value").at(1) == "e:SchemaValidationError");
}

TEST_CASE("before activation the LSA may make only the calls of activation", "[unit][sim]") {
    Fixture f;
    f.start();
    auto lsa = f.lsa();
    CHECK(lsa.get("AMT_GeneralSettings").status == 200);
    CHECK(lsa.get("IPS_HostBasedSetupService").status == 200);
    auto denied = [](const test::ParsedResponse& r) {
        return r.status == 400 && test::element_texts(r.body, "Value").at(1) == "e:AccessDenied";
    };
    CHECK(denied(lsa.put("AMT_GeneralSettings", "<h:HostName>x</h:HostName>")));
    CHECK(denied(lsa.get("IPS_OptInService")));
    CHECK(denied(lsa.get("CIM_SoftwareIdentity", {{"InstanceID", "AMT"}})));
    CHECK(denied(lsa.post(test::envelope(
        action::enumerate, test::class_uri("AMT_EthernetPortSettings"),
        "<Enumerate xmlns=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>"))));
    CHECK(denied(lsa.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "")));
    CHECK(denied(lsa.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                            "<h:ProvisioningMode>1</h:ProvisioningMode>")));
    CHECK(f.model.snapshot().hostname == "simhost");
    auto admin = f.admin(); // once activated, the admin may
    CHECK(admin.get("IPS_OptInService").status == 200);
}

TEST_CASE("Get or Put of a class with several instances needs a selector", "[unit][sim]") {
    Fixture f;
    f.start();
    auto admin = f.admin();
    for (const char* cls : {"AMT_EthernetPortSettings", "AMT_TLSSettingData",
                            "CIM_SoftwareIdentity", "AMT_SystemPowerScheme"}) {
        INFO(cls);
        auto response = admin.get(cls);
        CHECK(response.status == 400);
        CHECK(test::element_texts(response.body, "Value").at(1) == "e:InvalidSelectors");
    }
    auto put = admin.put("AMT_EthernetPortSettings", "<h:DHCPEnabled>true</h:DHCPEnabled>");
    CHECK(test::element_texts(put.body, "Value").at(1) == "e:InvalidSelectors");
    CHECK(admin.get("AMT_GeneralSettings").status == 200); // a singleton needs none
    CHECK(admin
              .get("AMT_EthernetPortSettings",
                   {{"InstanceID", "Intel(r) AMT Ethernet Port Settings 0"}})
              .status == 200);
}

TEST_CASE("KVM classes are unreachable on a SKU without KVM", "[unit][sim]") {
    Fixture f;
    f.model.modify([](DeviceState& s) { s.wsman.kvm_supported = false; });
    f.start();
    auto client = f.admin();
    auto response = client.get("CIM_KVMRedirectionSAP");
    CHECK(response.status == 400);
    CHECK(test::element_texts(response.body, "Value").at(1) == "b:DestinationUnreachable");
}

TEST_CASE("enumerate and pull, complete and partial", "[unit][sim]") {
    Fixture f;
    f.start();
    auto client = f.admin();
    auto uri = test::class_uri("AMT_EthernetPortSettings");
    auto enumerate = client.post(
        test::envelope(action::enumerate, uri,
                       "<Enumerate xmlns=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>"));
    auto context = element_text(enumerate.body, "EnumerationContext");
    CHECK(context == "00000001-0000-0000-0000-000000000000");
    auto pull_body = [&](int max) {
        return "<Pull xmlns=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
               "<EnumerationContext>" +
               context + "</EnumerationContext><MaxElements>" + std::to_string(max) +
               "</MaxElements></Pull>";
    };
    auto first = client.post(test::envelope(action::pull, uri, pull_body(1)));
    CHECK(test::element_texts(first.body, "InstanceID") ==
          std::vector<std::string>{"Intel(r) AMT Ethernet Port Settings 0"});
    CHECK(first.body.find("<g:EnumerationContext>") < first.body.find("<g:Items>"));
    CHECK(first.body.find("EndOfSequence") == std::string::npos);
    auto rest = client.post(test::envelope(action::pull, uri, pull_body(999)));
    CHECK(element_text(rest.body, "InstanceID") == "Intel(r) AMT Ethernet Port Settings 1");
    CHECK(rest.body.find("<g:EndOfSequence>") != std::string::npos);
    CHECK(rest.body.find("<h:AMT_EthernetPortSettings>") != std::string::npos);
    auto again = client.post(test::envelope(action::pull, uri, pull_body(999)));
    CHECK(test::element_texts(again.body, "Value").at(1) == "c:InvalidEnumerationContext");
    CHECK(element_text(again.body, "Value") == "a:Receiver");
}

TEST_CASE("wsman-http500, wsman-fault and wsman-return hit only their METHOD", "[unit][sim]") {
    Fixture f;
    f.add_fault("wsman-http500:AMT_GeneralSettings.Get");
    f.add_fault("wsman-fault:IPS_OptInService.Get");
    f.add_fault("wsman-return:GetLowAccuracyTimeSynch=2057");
    f.start();
    auto client = f.admin();
    CHECK(client.get("AMT_GeneralSettings").status == 500);
    auto faulted = client.get("IPS_OptInService");
    CHECK(faulted.status == 400);
    CHECK(test::element_texts(faulted.body, "Value").at(1) == "e:InternalError");
    auto returned = client.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "");
    CHECK(returned.status == 200);
    CHECK(element_text(returned.body, "ReturnValue") == "2057");
    CHECK(client
              .get("AMT_EthernetPortSettings",
                   {{"InstanceID", "Intel(r) AMT Ethernet Port Settings 0"}})
              .status == 200);
}

TEST_CASE("counted WS-Man faults fire N times, then the call works", "[unit][sim]") {
    Fixture f;
    f.add_fault("wsman-http500:AMT_GeneralSettings.Get*1");
    f.add_fault("wsman-return:GetLowAccuracyTimeSynch=2057*2");
    f.start();
    auto client = f.admin();
    CHECK(client.get("AMT_GeneralSettings").status == 500);
    CHECK(client.get("AMT_GeneralSettings").status == 200);
    auto call = [&] {
        auto reply = client.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "");
        return element_text(reply.body, "ReturnValue");
    };
    CHECK(call() == "2057");
    CHECK(call() == "2057");
    CHECK(call() == "0");
}

TEST_CASE("wsman-drop cuts the response short and closes", "[unit][sim]") {
    Fixture f;
    f.add_fault("wsman-drop:AMT_GeneralSettings.Get");
    f.start();
    auto client = f.admin();
    auto response = client.get("AMT_GeneralSettings");
    CHECK(response.status == 200);
    CHECK_FALSE(response.complete);
}

TEST_CASE("the WS-Man faults are taken from the --fault list", "[unit][sim]") {
    auto faults = wsman_faults(
        FaultList::parse(
            "wsman-return:Setup=5\nno-lme\nmei-busy:3\nwsman-drop:AMT_GeneralSettings.Get"),
        30);
    CHECK(faults.return_value.peek("Setup") == 5U);
    CHECK(faults.no_lme);
    CHECK(faults.drop.contains("AMT_GeneralSettings.Get"));
    CHECK(faults.http500.empty());
    CHECK(faults.latency_ms == 30);
}

TEST_CASE("latency is injected once per WS-Man call", "[unit][sim]") {
    Fixture f;
    f.faults.latency_ms = 30;
    f.start();
    auto client = f.lsa();
    client.get("AMT_GeneralSettings");
    client.get("AMT_GeneralSettings");
    CHECK(f.world.sleeps == std::vector<std::uint32_t>{30, 30});
}

TEST_CASE("wsman-delay holds one method back before it acts, on top of the latency",
          "[unit][sim]") {
    Fixture f;
    f.faults.latency_ms = 30;
    f.add_fault("wsman-delay:AMT_GeneralSettings.Get=2000");
    f.start();
    auto client = f.admin();
    client.get("AMT_GeneralSettings");
    client.get("AMT_EthernetPortSettings");
    CHECK(f.world.sleeps == std::vector<std::uint32_t>{2030, 30});
}

TEST_CASE("an HttpConnection serves keep-alive requests and closes after a 401", "[unit][sim]") {
    Fixture f;
    f.start();
    auto client = f.lsa();
    client.get("AMT_GeneralSettings"); // learn a nonce
    HttpConnection connection(*f.service);
    auto soap = test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "");
    auto first = test::http_post(soap, client.authorization(client.nonce));  // nc 2
    auto second = test::http_post(soap, client.authorization(client.nonce)); // nc 3
    auto out = connection.receive(first + second);
    CHECK(connection.responses() == 2);
    CHECK_FALSE(connection.closed());
    connection.receive(test::http_post(soap));
    CHECK(connection.closed());
    CHECK(out.find("HTTP/1.1 200 OK") != out.rfind("HTTP/1.1 200 OK"));
}

TEST_CASE("an APF channel's connection ends after one response and says so", "[unit][sim]") {
    Fixture f;
    f.start();
    auto client = f.lsa();
    client.get("AMT_GeneralSettings"); // learn a nonce
    HttpConnection connection(*f.service, {}, true);
    auto soap = test::envelope(action::get, test::class_uri("AMT_GeneralSettings"), "");
    auto first = test::http_post(soap, client.authorization(client.nonce));
    auto second = test::http_post(soap, client.authorization(client.nonce));
    auto out = connection.receive(first + second);
    CHECK(connection.responses() == 1);
    CHECK(connection.closed());
    CHECK(out.find("HTTP/1.1 200 OK\r\nConnection: close\r\n") == 0);
    CHECK(out.find("HTTP/1.1", 1) == std::string::npos);
}

TEST_CASE("a response to a request that asked to close says Connection: close once",
          "[unit][sim]") {
    CHECK(announce_close("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") ==
          "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    std::string said = "HTTP/1.1 400 Bad Request\r\nconnection: keep-alive, Close\r\n\r\n";
    CHECK(announce_close(said) == said);
    CHECK(announce_close("HTTP/1.1 200 OK\r\nContent-Le") == "HTTP/1.1 200 OK\r\nContent-Le");
}

TEST_CASE("device JSON round-trips the WS-Man state", "[unit][sim]") {
    auto state = default_device();
    state.control_mode = 1;
    state.provisioning_state = 2;
    state.wsman.admin_ha1 = digest_ha1("admin", state.realm, "P@ssw0rd!");
    state.wsman.classes["IPS_OptInService"][0].set("OptInRequired", "1");
    state.wsman.users.push_back({"helpdesk", "00ff", {"3"}, 40, 1});
    state.wsman.users.push_back({"nohandle", "00ff", {"4"}});
    auto json = save_device(state);
    DeviceState loaded = default_device();
    loaded.wsman.classes.clear();
    load_device(json, loaded);
    CHECK(loaded.control_mode == 1);
    CHECK(loaded.wsman.admin_ha1 == state.wsman.admin_ha1);
    CHECK(loaded.wsman.users.at(0).realms == std::vector<std::string>{"3"});
    CHECK(loaded.wsman.users.at(0).handle == 40);
    CHECK(loaded.wsman.users.at(0).access_permission == 1);
    CHECK(loaded.wsman.users.at(1).handle == 41); // given one on load, then kept
    CHECK(loaded.wsman.classes.at("IPS_OptInService")[0].get("OptInRequired") == "1");
    CHECK(loaded.wsman.classes.at("AMT_EthernetPortSettings")[0].values("LinkPolicy").size() == 4);
    nlohmann::json bad = {{"wsman_classes", {{"IPS_OptInService", {{{"OptInRequired", 1}}}}}}};
    CHECK_THROWS_AS(load_device(bad, loaded), std::runtime_error);
}

TEST_CASE("a device file's admin_password is the admin account", "[unit][sim]") {
    test::FakeWorld world;
    DeviceState device = default_device();
    load_device({{"control_mode", 2}, {"provisioning_state", 2}, {"admin_password", "P@ssw0rd!"}},
                device);
    DeviceModel model(device);
    WsmanService service(model, {}, world.environment());
    CHECK(DigestClient(service, "admin", "P@ssw0rd!").get("AMT_GeneralSettings").status == 200);
    CHECK(DigestClient(service, "admin", "other").get("AMT_GeneralSettings").status == 401);
}
