// Golden request envelopes for the typed calls not covered by the per-area tests, one row each.
#include "amtcfg/wsman/features.hpp"
#include "amtcfg/wsman/maintenance.hpp"
#include "amtcfg/wsman/setup.hpp"
#include "amtcfg/wsman/tls.hpp"
#include "fake_http.hpp"

#include <catch2/catch.hpp>

#include <functional>

using namespace amtcfg;
using namespace amtcfg::wsman;
using test::amt_response;
using test::expected_envelope;

namespace {

const std::string k_amt = "http://intel.com/wbem/wscim/1/amt-schema/1/";
const std::string k_ips = "http://intel.com/wbem/wscim/1/ips-schema/1/";
const std::string k_cim = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
const std::string k_transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer/";
const std::string k_enum = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/";

struct Row {
    const char* name;
    std::function<void(Client&)> call;
    std::string action;
    std::string resource;
    std::string selectors; // header SelectorSet, indented
    std::string body;      // the Body element, indented
    std::string reply;     // what the fake AMT answers (a whole envelope)
};

std::string output(const std::string& uri, const std::string& method) {
    return amt_response(uri + "/" + method + "Response", uri,
                        "<g:" + method + "_OUTPUT><g:ReturnValue>0</g:ReturnValue></g:" + method +
                            "_OUTPUT>");
}

std::string instance(const std::string& uri, const std::string& name) {
    return amt_response(k_transfer + "GetResponse", uri, "<g:" + name + "/>");
}

std::string input(const std::string& uri, const std::string& method, const std::string& args) {
    std::string element = method + "_INPUT";
    return "<Body><h:" + element + " xmlns:h=\"" + uri + "\"" +
           (args.empty() ? "/>" : ">" + args + "</h:" + element + ">") + "</Body>";
}

std::vector<Row> rows() {
    std::string sacs = k_amt + "AMT_SetupAndConfigurationService";
    std::string auth = k_amt + "AMT_AuthorizationService";
    std::string pkms = k_amt + "AMT_PublicKeyManagementService";
    std::string keys = k_amt + "AMT_PublicPrivateKeyPair";
    std::string redir = k_amt + "AMT_RedirectionService";
    std::string kvm = k_ips + "IPS_KVMRedirectionSettingData";
    std::string optin = k_ips + "IPS_OptInService";
    std::string sw = k_cim + "CIM_SoftwareIdentity";
    return {
        {"GetUuid", [](Client& c) { get_uuid(c); }, sacs + "/GetUuid", sacs, "",
         input(sacs, "GetUuid", ""), output(sacs, "GetUuid")},
        {"EnumerateUserAclEntries", [](Client& c) { enumerate_user_acl_entries(c); },
         auth + "/EnumerateUserAclEntries", auth, "",
         input(auth, "EnumerateUserAclEntries", "<h:StartIndex>1</h:StartIndex>"),
         output(auth, "EnumerateUserAclEntries")},
        {"RemoveUserAclEntry", [](Client& c) { remove_user_acl_entry(c, 7); },
         auth + "/RemoveUserAclEntry", auth, "",
         input(auth, "RemoveUserAclEntry", "<h:Handle>7</h:Handle>"),
         output(auth, "RemoveUserAclEntry")},
        {"AddCertificate", [](Client& c) { add_certificate(c, "TEVBRg=="); },
         pkms + "/AddCertificate", pkms, "",
         input(pkms, "AddCertificate", "<h:CertificateBlob>TEVBRg==</h:CertificateBlob>"),
         output(pkms, "AddCertificate")},
        {"AddKey", [](Client& c) { add_key(c, Secret("S0VZ")); }, pkms + "/AddKey", pkms, "",
         input(pkms, "AddKey", "<h:KeyBlob>S0VZ</h:KeyBlob>"), output(pkms, "AddKey")},
        {"PublicPrivateKeyPair Delete",
         [](Client& c) { delete_public_private_key_pair(c, "Intel(r) AMT Key: Handle: 0"); },
         k_transfer + "Delete", keys,
         R"(<w:SelectorSet><w:Selector Name="InstanceID">Intel(r) AMT Key: Handle: 0</w:Selector></w:SelectorSet>)",
         "<Body/>", amt_response(k_transfer + "DeleteResponse", keys, "")},
        {"RedirectionService Get", [](Client& c) { get_redirection_service(c); },
         k_transfer + "Get", redir, "", "<Body/>", instance(redir, "AMT_RedirectionService")},
        {"KVMRedirectionSettingData Get", [](Client& c) { get_kvm_redirection_setting_data(c); },
         k_transfer + "Get", kvm, "", "<Body/>", instance(kvm, "IPS_KVMRedirectionSettingData")},
        {"OptInService Get", [](Client& c) { get_opt_in_service(c); }, k_transfer + "Get", optin,
         "", "<Body/>", instance(optin, "IPS_OptInService")},
        {"SoftwareIdentity Enumerate", [](Client& c) { enumerate_software_identity(c); },
         k_enum + "Enumerate", sw, "",
         R"(<Body><Enumerate xmlns="http://schemas.xmlsoap.org/ws/2004/09/enumeration"/></Body>)",
         amt_response(k_enum + "EnumerateResponse", sw,
                      "<g:EnumerateResponse><g:EnumerationContext>C</g:EnumerationContext>"
                      "</g:EnumerateResponse>",
                      "http://schemas.xmlsoap.org/ws/2004/09/enumeration")},
    };
}

} // namespace

TEST_CASE("every remaining typed call sends the request the reference describes", "[unit]") {
    for (const auto& row : rows()) {
        SECTION(row.name) {
            test::FakeHttp http;
            Log log;
            Client client(http, log);
            http.reply(200, row.reply);
            // A following Pull (enumerations) gets an empty, final page.
            http.reply(200, amt_response(k_enum + "PullResponse", row.resource,
                                         "<g:PullResponse><g:Items/><g:EndOfSequence/>"
                                         "</g:PullResponse>",
                                         "http://schemas.xmlsoap.org/ws/2004/09/enumeration"));
            row.call(client);
            REQUIRE_FALSE(http.posted.empty());
            CHECK(http.posted[0] ==
                  expected_envelope(row.action, row.resource, "1", row.selectors, row.body));
        }
    }
}
