// AMT's TLS configuration (wsman.md section 8): the TLS credential context, deleting what is in
// use, CommitChanges' TLS prerequisites, the state file round trip, unprovisioning and faults.
#include "certificate_calls.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::sim;
using namespace amtcfg::sim::certificate_tests;

TEST_CASE("the TLS credential context binds one certificate; a second Create AlreadyExists",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto first = key_with_certificate(device.admin, ca);
    auto created = create_context(device.admin, first.certificate_id,
                                  "TLSProtocolEndpointInstances Collection");
    REQUIRE(created.status == 200);
    CHECK(element_text(created.body, "Action") ==
          "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse");
    CHECK(created.body.find("ResourceCreated") != std::string::npos);
    auto selectors = element_texts(created.body, "Selector");
    CHECK(std::find(selectors.begin(), selectors.end(), first.certificate_id) != selectors.end());
    CHECK(device.state().wsman.certificates.credential_context.has_value());

    auto again = create_context(device.admin, first.certificate_id);
    CHECK(subcode(again) == "e:AlreadyExists");

    auto listed = test::enumerate_all(device.admin, "AMT_TLSCredentialContext");
    CHECK(listed.find(first.certificate_id) != std::string::npos);
    auto got = device.admin.get("AMT_TLSCredentialContext");
    CHECK(got.status == 200);
    CHECK(got.body.find(first.certificate_id) != std::string::npos);
    CHECK(listed.find("TLSProtocolEndpoint Instances Collection") != std::string::npos);

    SECTION("Put switches the context to another certificate") {
        auto second = key_with_certificate(device.admin, ca, "amt2.sim.example");
        auto put = device.admin.post(test::envelope(action::put,
                                                    test::class_uri("AMT_TLSCredentialContext"),
                                                    context_body(second.certificate_id)));
        REQUIRE(put.status == 200);
        CHECK(put.body.find(second.certificate_id) != std::string::npos);
        CHECK(test::enumerate_all(device.admin, "AMT_TLSCredentialContext")
                  .find(second.certificate_id) != std::string::npos);
        // The first certificate is free again, and with it its key.
        CHECK(remove(device.admin, "AMT_PublicKeyCertificate", first.certificate_id).status == 200);
        CHECK(remove(device.admin, "AMT_PublicPrivateKeyPair", first.key_id).status == 200);
    }
    SECTION("Delete removes it; then Create works again") {
        auto removed = remove_context(device.admin, context_selectors(first.certificate_id));
        CHECK(removed.status == 200);
        CHECK(!device.state().wsman.certificates.credential_context);
        CHECK(create_context(device.admin, first.certificate_id).status == 200);
    }
}

TEST_CASE("Delete and Put of the credential context check its selectors", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto bound = key_with_certificate(device.admin, ca);
    auto other = key_with_certificate(device.admin, ca, "amt2.sim.example");
    REQUIRE(create_context(device.admin, bound.certificate_id).status == 200);
    auto still_bound = [&] {
        return device.state().wsman.certificates.credential_context ==
               std::optional<std::uint32_t>(0);
    };
    REQUIRE(bound.certificate_id == "Intel(r) AMT Certificate: Handle: 0");

    // Missing, partial or text selectors do not name it (go-wsman-messages' Delete sends one
    // text selector Name).
    CHECK(subcode(remove_context(device.admin, {})) == "e:InvalidSelectors");
    CHECK(subcode(remove_context(device.admin, {{"Name", bound.certificate_id}})) ==
          "e:InvalidSelectors");
    auto partial = context_selectors(bound.certificate_id);
    partial.erase("ElementProvidingContext");
    CHECK(subcode(remove_context(device.admin, partial)) == "e:InvalidSelectors");
    // Selectors naming another certificate or collection name no instance.
    CHECK(subcode(remove_context(device.admin, context_selectors(other.certificate_id))) ==
          "b:DestinationUnreachable");
    CHECK(subcode(remove_context(device.admin,
                                 context_selectors(bound.certificate_id,
                                                   "TLSProtocolEndpointInstances Collection"))) ==
          "b:DestinationUnreachable");
    CHECK(still_bound());

    // Put: header selectors, when sent, must name this context; the body must echo the
    // collection as AMT reports it.
    CHECK(subcode(put_context(device.admin, context_body(other.certificate_id),
                              context_selectors(other.certificate_id))) ==
          "b:DestinationUnreachable");
    CHECK(subcode(
              put_context(device.admin, context_body(other.certificate_id,
                                                     "TLSProtocolEndpointInstances Collection"))) ==
          "e:InvalidParameter");
    CHECK(still_bound());
    CHECK(put_context(device.admin, context_body(other.certificate_id),
                      context_selectors(bound.certificate_id))
              .status == 200);
    CHECK(device.state().wsman.certificates.credential_context == std::optional<std::uint32_t>(1));

    CHECK(remove_context(device.admin, context_selectors(other.certificate_id)).status == 200);
    CHECK(!device.state().wsman.certificates.credential_context);
    CHECK(subcode(remove_context(device.admin, context_selectors(other.certificate_id))) ==
          "b:DestinationUnreachable");
    CHECK(subcode(put_context(device.admin, context_body(other.certificate_id))) ==
          "b:DestinationUnreachable");
}

TEST_CASE("the credential context refuses what is not AMT's certificate with its key",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto root = add(device.admin, ca.certificate_base64(), true);
    auto root_id = element_text(root.body, "Selector");
    CHECK(subcode(create_context(device.admin, root_id)) == "e:InvalidParameter");
    CHECK(subcode(create_context(device.admin, "Intel(r) AMT Certificate: Handle: 99")) ==
          "e:InvalidParameter");
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(subcode(create_context(device.admin, stored.certificate_id, "Some Collection")) ==
          "e:InvalidParameter");
    auto garbage = device.admin.post(
        test::envelope(action::create, test::class_uri("AMT_TLSCredentialContext"),
                       fmt::format("<h:AMT_TLSCredentialContext xmlns:h=\"{}\"/>",
                                   test::class_uri("AMT_TLSCredentialContext"))));
    CHECK(subcode(garbage) == "d:InvalidRepresentation");
    CHECK(!device.state().wsman.certificates.credential_context);
}

TEST_CASE("certificates and keys in use are not deleted; free ones are", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto stored = key_with_certificate(device.admin, ca);
    REQUIRE(create_context(device.admin, stored.certificate_id).status == 200);
    CHECK(subcode(remove(device.admin, "AMT_PublicKeyCertificate", stored.certificate_id)) ==
          "e:InvalidParameter");
    CHECK(subcode(remove(device.admin, "AMT_PublicPrivateKeyPair", stored.key_id)) ==
          "e:InvalidParameter");
    CHECK(subcode(remove(device.admin, "AMT_PublicKeyCertificate",
                         "Intel(r) AMT Certificate: Handle: 99")) == "e:InvalidSelectors");
    auto state = device.state();
    CHECK(state.wsman.certificates.certificates.size() == 1);
    CHECK(state.wsman.certificates.keys.size() == 1);
    // A key without a certificate goes at once.
    auto spare = element_text(generate(device.admin).body, "Selector");
    CHECK(remove(device.admin, "AMT_PublicPrivateKeyPair", spare).status == 200);
    CHECK(device.state().wsman.certificates.keys.size() == 1);
}

TEST_CASE("CommitChanges applies TLS only with its prerequisites", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto commit = [&] {
        return rv(device.admin.invoke("AMT_SetupAndConfigurationService", "CommitChanges", ""));
    };
    auto put = [&](const char* id, const char* props) {
        auto response = device.admin.put(
            "AMT_TLSSettingData", fmt::format("<h:InstanceID>{}</h:InstanceID>{}", id, props),
            {{"InstanceID", id}});
        REQUIRE(response.status == 200);
    };
    const char* remote = "Intel(r) AMT 802.3 TLS Settings";
    put(remote, "<h:Enabled>true</h:Enabled>");
    CHECK(commit() == "2057"); // no credential context
    CHECK(!device.state().wsman.certificates.committed.remote_enabled);
    auto stored = key_with_certificate(device.admin, ca);
    CHECK(commit() == "2057"); // a certificate, but not in a context
    REQUIRE(create_context(device.admin, stored.certificate_id).status == 200);
    CHECK(commit() == "0");
    auto committed = device.state().wsman.certificates.committed;
    CHECK(committed.remote_enabled);
    CHECK(!committed.local_enabled);
    CHECK(committed.certificate_base64 == stored.certificate);
    CHECK(committed.generation == 1);
    CHECK(commit() == "0"); // nothing changed: the TLS service is not restarted
    CHECK(device.state().wsman.certificates.committed.generation == 1);

    put(remote, "<h:MutualAuthentication>true</h:MutualAuthentication>");
    CHECK(commit() == "2057"); // no trusted root
    REQUIRE(rv(add(device.admin, ca.certificate_base64(), true)) == "0");
    CHECK(commit() == "2057"); // the clock was never set
    auto ta0 = element_text(
        device.admin.invoke("AMT_TimeSynchronizationService", "GetLowAccuracyTimeSynch", "").body,
        "Ta0");
    auto now = std::to_string(device.world.now);
    REQUIRE(rv(device.admin.invoke("AMT_TimeSynchronizationService", "SetHighAccuracyTimeSynch",
                                   "<h:Ta0>" + ta0 + "</h:Ta0><h:Tm1>" + now + "</h:Tm1><h:Tm2>" +
                                       now + "</h:Tm2>")) == "0");
    CHECK(commit() == "0");
    committed = device.state().wsman.certificates.committed;
    CHECK(committed.remote_mutual);
    CHECK(committed.trusted_roots == std::vector<std::string>{ca.certificate_base64()});
    CHECK(committed.generation == 2);
}

TEST_CASE("keys, certificates and the committed TLS survive the state file", "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    auto configured = test::configure_tls(device.admin, ca, {});
    auto saved = save_device(device.state());
    auto text = saved.dump();
    auto loaded = default_device();
    load_device(nlohmann::json::parse(text), loaded);
    const auto state = device.state();
    const auto& before = state.wsman.certificates;
    const auto& after = loaded.wsman.certificates;
    REQUIRE(after.keys.size() == 1);
    CHECK(after.keys[0].handle == before.keys[0].handle);
    CHECK(after.keys[0].private_key_pem == before.keys[0].private_key_pem);
    REQUIRE(after.certificates.size() == 1);
    CHECK(after.certificates[0].der_base64 == configured.certificate);
    CHECK(after.credential_context == before.credential_context);
    CHECK(after.committed.remote_enabled);
    CHECK(after.committed.certificate_base64 == configured.certificate);
    CHECK(after.committed.private_key_pem == before.keys[0].private_key_pem);
    CHECK(after.committed.generation == before.committed.generation);
    // The reloaded device still exports the same public key and signs with the same key.
    DeviceModel model(loaded);
    test::FakeWorld world;
    WsmanService service(model, {}, world.environment());
    DigestClient admin(service, "admin", k_password);
    CHECK(der_key(admin, configured.key_id) == der_key(device.admin, configured.key_id));
    auto next = element_text(generate(admin).body, "Selector");
    CHECK(next != configured.key_id); // handles stay unique after a reload
}

TEST_CASE("a state file with a context naming no certificate is refused", "[unit][sim][certs]") {
    auto device = default_device();
    auto json = nlohmann::json::parse(R"({"certificates": [], "tls_credential_context": 3})");
    CHECK_THROWS_WITH(load_device(json, device), Catch::Contains("tls_credential_context"));
}

TEST_CASE("full unprovisioning deletes amtcfg's TLS objects and turns TLS off",
          "[unit][sim][certs]") {
    Device device;
    test::TestCa ca;
    test::configure_tls(device.admin, ca, {true, true, true});
    REQUIRE(device.state().wsman.certificates.committed.local_enabled);
    auto response = device.admin.invoke("AMT_SetupAndConfigurationService", "Unprovision",
                                        "<h:ProvisioningMode>1</h:ProvisioningMode>");
    REQUIRE(rv(response) == "0");
    const auto store = device.state().wsman.certificates;
    CHECK(store.keys.empty());
    CHECK(store.certificates.empty());
    CHECK(!store.credential_context);
    CHECK(!store.committed.remote_enabled);
    CHECK(!store.committed.local_enabled);
    CHECK(store.committed.certificate_base64.empty());
    const auto state = device.state();
    for (const auto& tls : state.wsman.classes.at("AMT_TLSSettingData")) {
        CHECK(tls.get("Enabled") == "false");
    }
}

TEST_CASE("the generic WS-Man faults act on the certificate methods", "[unit][sim][certs]") {
    test::TestCa ca;
    SECTION("wsman-return:GenerateKeyPair answers the code and makes no key") {
        Device device("wsman-return:GenerateKeyPair=23");
        auto response = generate(device.admin);
        CHECK(rv(response) == "23");
        CHECK(element_text(response.body, "KeyPair").empty());
        CHECK(device.state().wsman.certificates.keys.empty());
    }
    SECTION("wsman-fault:GeneratePKCS10RequestEx is an InternalError, counted") {
        Device device("wsman-fault:AMT_PublicKeyManagementService.GeneratePKCS10RequestEx*1");
        auto key_id = element_text(generate(device.admin).body, "Selector");
        auto request = test::null_signed_request(der_key(device.admin, key_id), "a");
        CHECK(subcode(sign_request(device.admin, key_id, request)) == "e:InternalError");
        CHECK(rv(sign_request(device.admin, key_id, request)) == "0"); // the retry works
    }
    SECTION("wsman-drop:AddCertificate stores the certificate, then the answer is lost") {
        Device device("wsman-drop:AddCertificate*1");
        auto key_id = element_text(generate(device.admin).body, "Selector");
        auto certificate = ca.issue_for_key(der_key(device.admin, key_id), "a");
        auto wire = device.admin.raw_post(test::envelope(
            test::class_uri(k_pkms) + "/AddCertificate", test::class_uri(k_pkms),
            fmt::format("<h:AddCertificate_INPUT xmlns:h=\"{}\"><h:CertificateBlob>{}"
                        "</h:CertificateBlob></h:AddCertificate_INPUT>",
                        test::class_uri(k_pkms), certificate)));
        CHECK(!test::read_response(wire).complete);
        CHECK(device.state().wsman.certificates.certificates.size() == 1);
        // The retry finds it there already.
        CHECK(rv(add(device.admin, certificate)) == "2058");
    }
    SECTION("wsman-http500 on Create of the credential context changes nothing") {
        Device device("wsman-http500:AMT_TLSCredentialContext.Create");
        auto stored = key_with_certificate(device.admin, ca);
        CHECK(create_context(device.admin, stored.certificate_id).status == 500);
        CHECK(!device.state().wsman.certificates.credential_context);
    }
}
