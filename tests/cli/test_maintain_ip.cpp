// maintain's IP check on a static-IP AMT whose host moved to another address. It runs in a
// private network, mount and UTS namespace, so the host's own network is never touched.
#include "sim_support.hpp"

#include <catch2/catch.hpp>

using namespace amtcfg::test;

namespace {

const std::map<std::string, std::string> k_env{{"AMT_PW", "Adm1n!Passw0rd"}};

// An activated CCM device on a static IPv4 address synced with the host (the man page's case;
// wsman.md section 9: DHCP off, IP sync and SharedStaticIp on), which the host no longer has.
const std::string k_static_device = R"({
  "control_mode": 1, "provisioning_state": 2, "admin_password": "Adm1n!Passw0rd",
  "hostname": "ws-static", "domain": "corp.example",
  "lan": [{"interface": "wired", "dhcp": false, "link_up": true, "ip": "192.168.10.20",
           "mac": "a4:bb:6d:12:34:56"}],
  "wsman_classes": {"AMT_EthernetPortSettings": [{
    "InstanceID": "Intel(r) AMT Ethernet Port Settings 0",
    "ElementName": "Intel(r) AMT Ethernet Port Settings", "PhysicalConnectionType": "0",
    "DHCPEnabled": "false", "IpSyncEnabled": "true", "SharedStaticIp": "true",
    "SharedMAC": "true", "SharedDynamicIP": "true", "LinkIsUp": "true",
    "LinkPolicy": ["1", "14", "16", "224"], "MACAddress": "a4-bb-6d-12-34-56",
    "IPAddress": "192.168.10.20", "SubnetMask": "255.255.255.0",
    "DefaultGateway": "192.168.10.1", "PrimaryDNS": "192.168.10.1"}]}
})";

// Inside the namespaces: a host interface with AMT's MAC on 10.20.30.40/24, a default route
// when the test wrote a "gateway" file, and a host name and resolv.conf of the test's own
// (sysfs is mounted again so that /sys/class/net shows this namespace's interfaces). Then the
// command runs.
const std::string k_network = R"sh(set -e
dir=$1; shift
mount -t sysfs sysfs /sys
mount --bind "$dir/resolv.conf" /etc/resolv.conf
hostname ws-static
ip link set lo up
ip link add amt0 type veth peer name amt1
ip link set amt0 address a4:bb:6d:12:34:56
ip addr add 10.20.30.40/24 dev amt0
ip link set amt1 up
ip link set amt0 up
if [ -f "$dir/gateway" ]; then ip route add default via "$(cat "$dir/gateway")" dev amt0; fi
exec "$@"
)sh";

const std::vector<std::string> k_unshare{"unshare", "--net", "--mount", "--uts"};

bool namespaces_available() {
    std::vector<std::string> probe = k_unshare;
    probe.push_back("true");
    if (run(probe).status == 0) {
        return true;
    }
    WARN("skipped: cannot create network namespaces (unshare --net --mount --uts needs root)");
    return false;
}

const std::vector<std::string> k_maintain{"--json", "maintain", "--auto", "--password",
                                          "env:AMT_PW"};

// A second maintain --auto finds nothing due.
void check_nothing_due(const Run& second) {
    INFO(second.err);
    REQUIRE(second.status == 0);
    auto again = second.json(); // keep it alive for the loop
    for (const auto& c : again["checks"]) {
        INFO(c.dump());
        CHECK(c["due"] == false);
    }
}

Run in_namespace(const SimDevice& device, const std::vector<std::string>& args) {
    std::vector<std::string> argv = k_unshare;
    argv.insert(argv.end(), {"sh", "-c", k_network, "sh", device.dir().path()});
    auto command = device.command(args);
    argv.insert(argv.end(), command.begin(), command.end());
    return run(argv, k_env);
}

} // namespace

TEST_CASE("maintain --auto gives a static-IP AMT the host's new address, then nothing is due",
          "[cli]") {
    if (!namespaces_available()) {
        return;
    }
    SimDevice device(k_static_device);
    device.write("resolv.conf", "search corp.example\nnameserver 10.20.30.53\n"
                                "nameserver 10.20.30.54\n");
    device.write("gateway", "10.20.30.1");

    auto first = in_namespace(device, k_maintain);
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto result = first.json();
    auto ip = check_named(result, "ip");
    CHECK(ip["due"] == true);
    CHECK(ip["done"] == true);
    CHECK(ip["detail"] == "AMT has 192.168.10.20/255.255.255.0, the host has "
                          "10.20.30.40/255.255.255.0");
    CHECK(check_named(result, "hostname")["due"] == false);
    CHECK(result["failed"].empty());

    // AMT holds the host's configuration now, still marked as the host's address (AMT takes
    // address fields only with IP sync off), over WS-Man and AMTHI alike.
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    auto port = state["wsman_classes"]["AMT_EthernetPortSettings"][0];
    CHECK(port["DHCPEnabled"] == "false");
    CHECK(port["IpSyncEnabled"] == "false");
    CHECK(port["SharedStaticIp"] == "true");
    CHECK(port["IPAddress"] == "10.20.30.40");
    CHECK(port["SubnetMask"] == "255.255.255.0");
    CHECK(port["DefaultGateway"] == "10.20.30.1");
    CHECK(port["PrimaryDNS"] == "10.20.30.53");
    CHECK(port["SecondaryDNS"] == "10.20.30.54");
    auto lan = device.info()["lan"][0];
    CHECK(lan["ip"] == "10.20.30.40");
    CHECK(lan["dhcp"] == false);

    check_nothing_due(in_namespace(device, k_maintain));

    // configure with the profile that asked for a static address synced with the host agrees
    // with what maintain left: nothing to change.
    auto profile = device.write("p.xml", ccm_profile("env:AMT_PW", "  <network dhcp=\"false\" "
                                                                   "ip-sync=\"true\"/>\n"));
    auto configure = in_namespace(device, {"--json", "configure", "--profile", profile});
    INFO(configure.err);
    REQUIRE(configure.status == 0);
    auto configured = configure.json();
    CHECK(configured["changed"].empty());
    CHECK(configured["plan"].empty());
}

TEST_CASE("a host without a default route or name server: maintain --auto is quiet once synced",
          "[cli]") {
    if (!namespaces_available()) {
        return;
    }
    SimDevice device(k_static_device);
    device.write("resolv.conf", "search corp.example\n");
    auto first = in_namespace(device, k_maintain);
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto ip = check_named(first.json(), "ip");
    CHECK(ip["due"] == true);
    CHECK(ip["done"] == true);
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    auto port = state["wsman_classes"]["AMT_EthernetPortSettings"][0];
    CHECK(port["IPAddress"] == "10.20.30.40");
    CHECK(port["SubnetMask"] == "255.255.255.0");
    // The host has no gateway or DNS to give; what AMT kept is no drift on the next run.
    check_nothing_due(in_namespace(device, k_maintain));
}

TEST_CASE("an AMT with a static address of its own is left alone by maintain --auto", "[cli]") {
    if (!namespaces_available()) {
        return;
    }
    std::string dedicated = k_static_device;
    for (const std::string flag : {"\"IpSyncEnabled\": \"true\"", "\"SharedStaticIp\": \"true\""}) {
        auto at = dedicated.find(flag);
        REQUIRE(at != std::string::npos);
        dedicated.replace(at, flag.size(), flag.substr(0, flag.size() - 6) + "\"false\"");
    }
    SimDevice device(dedicated);
    device.write("resolv.conf", "search corp.example\nnameserver 10.20.30.53\n");
    auto first = in_namespace(device, k_maintain);
    INFO(first.err);
    REQUIRE(first.status == 0);
    auto ip = check_named(first.json(), "ip");
    CHECK(ip["due"] == false);
    CHECK(ip["detail"] == "AMT has its own static address 192.168.10.20 (not shared with the "
                          "host); left alone");
    auto state = nlohmann::json::parse(file_content(device.state_file()));
    CHECK(state["wsman_classes"]["AMT_EthernetPortSettings"][0]["IPAddress"] == "192.168.10.20");
}
