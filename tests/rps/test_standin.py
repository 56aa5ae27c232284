#!/usr/bin/python3
"""Tests of the RPS stand-in without amtcfg: a minimal client (harness.py) relays the stand-in's
wsman requests and TLS records to the simulator's LMS listener, byte for byte. Run:
/usr/bin/python3 tests/rps/test_standin.py --sim-lib build/tests/sim/libamtcfg_sim.so
(ctest entry rps_standin)."""

import argparse
import base64
import json
import os
import shutil
import ssl
import struct
import subprocess
import sys
import tempfile
import unittest

import harness
from harness import (ADMIN_PASSWORD, LSA_PASSWORD, ROOT, UUID, Client, Device, StandIn,
                     message, payload_for, run)

DEVICE = {"amt_version": "16.1.25", "build": "2051", "sku": "16392", "uuid": UUID,
          "control_mode": 0, "provisioning_state": 0,
          "local_system_account": {"username": "$$OsAdmin", "password": LSA_PASSWORD}}
CCM = {"activation": "ccm", "admin_password": ADMIN_PASSWORD,
       "redirection": {"kvm": True, "sol": True, "ider": False, "user_consent": "all"}}


class StandInTest(unittest.TestCase):
    scenario = "normal"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="standin-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.standin = StandIn(self.tmp, {"office": CCM}, self.scenario)
        self.addCleanup(lambda: self.assertEqual(self.standin.stop(), 0))

    def device(self, faults=(), **changes):
        device = Device(self.tmp, dict(DEVICE, **changes), faults)
        self.addCleanup(device.stop)
        return device


class CcmEndToEnd(StandInTest):
    def test_activate_maintain_deactivate(self):
        device = self.device()
        result, progress, relayed = run(self.standin.port, message(
            "activate --profile office", payload_for(DEVICE)), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual(result["status"], "success")
        status = json.loads(result["message"])
        self.assertEqual(status["Status"], "Client control mode.")
        self.assertEqual(set(status), {"Status", "Network", "CIRAConnection", "TLSConfiguration"})
        self.assertTrue(progress)
        state = device.state()
        self.assertEqual((state["control_mode"], state["provisioning_state"]), (1, 2))
        redirection = state["wsman_classes"]["AMT_RedirectionService"][0]
        self.assertEqual(redirection["EnabledState"], "32770")  # SOL without IDER
        self.assertEqual(redirection["ListenerEnabled"], "true")
        self.assertEqual(self.standin.vault()[UUID]["amt_password"], ADMIN_PASSWORD)
        wsman = self.standin.records("wsman")
        self.assertEqual(len(wsman), relayed)
        self.assertEqual(wsman[0]["status"], 401)  # first without Authorization, as RPS
        setup = [w for w in wsman if w["action"].endswith("IPS_HostBasedSetupService/Setup")]
        self.assertEqual([w["status"] for w in setup], [200])
        payload = self.standin.records("payload")[0]
        self.assertEqual(payload["payload"]["password"], "***")
        with open(self.standin.record_file) as f:
            record = f.read()
        self.assertNotIn(LSA_PASSWORD, record)
        self.assertNotIn(ADMIN_PASSWORD, record)

        activated = payload_for(DEVICE, currentMode=1, password=ADMIN_PASSWORD)
        result, _, _ = run(self.standin.port, message(
            f"maintenance --password {ADMIN_PASSWORD} --synctime", activated), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        result, _, _ = run(self.standin.port, message(
            f"maintenance --password {ADMIN_PASSWORD} --synchostname", activated), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual((device.state()["hostname"], device.state()["domain"]),
                         ("standin-host", "corp.example"))
        result, _, _ = run(self.standin.port, message(
            f"maintenance --password {ADMIN_PASSWORD} --syncip", activated), device.lms_port)
        self.assertEqual(result["method"], "error")
        self.assertIn("not supported by the stand-in", result["message"])

        result, _, relayed = run(self.standin.port, message(
            "deactivate --password Wrong-Passw0rd", activated), device.lms_port)
        self.assertEqual((result["method"], relayed), ("error", 0))
        self.assertIn("AMT password DOES NOT match stored version", result["message"])
        result, _, _ = run(self.standin.port, message(
            f"deactivate --password {ADMIN_PASSWORD}", activated), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual(device.state()["control_mode"], 0)
        self.assertNotIn(UUID, self.standin.vault())
        with open(self.standin.record_file) as f:
            self.assertNotIn(ADMIN_PASSWORD, f.read())


class AcmAdminSetup(StandInTest):
    def test_acm_activation(self):
        certs = os.path.join(self.tmp, "certs")
        subprocess.run([os.path.join(ROOT, "tests", "certs", "make-test-certs.sh"), certs],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(certs, "root.sha256")) as f:
            root_hash = f.read().strip()
        self.standin.stop()
        acm = {"activation": "acm", "admin_password": ADMIN_PASSWORD,
               "mebx_password": "Mebx-Pass-1", "domain_suffix": "example.com",
               "provisioning_cert": os.path.join(certs, "good.pfx"),
               "provisioning_cert_password": "test-pfx-pw",
               "redirection": {"kvm": False, "sol": False, "ider": True, "user_consent": "kvm"}}
        self.standin = StandIn(self.tmp, {"acm": acm})
        hashes = [{"name": "test root", "algorithm": "sha256", "hash": root_hash,
                   "default": False, "active": True}]
        device = self.device(dns_suffix="example.com", cert_hashes=hashes)
        result, _, _ = run(self.standin.port, message("activate --profile acm", payload_for(
            DEVICE, fqdn="example.com", certHashes=[root_hash])), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual(json.loads(result["message"])["Status"], "Admin control mode.")
        state = device.state()
        self.assertEqual((state["control_mode"], state["mebx_password"]), (2, "Mebx-Pass-1"))
        self.assertEqual(state["wsman_classes"]["AMT_RedirectionService"][0]["EnabledState"],
                         "32769")  # IDER only
        self.assertEqual(state["wsman_classes"]["IPS_OptInService"][0]["OptInRequired"], "1")
        chain = [w["status"] for w in self.standin.records("wsman")
                 if w["action"].endswith("/AddNextCertInChain")]
        self.assertEqual(chain, [200, 200, 200])
        self.assertEqual(self.standin.vault()[UUID]["mebx_password"], "Mebx-Pass-1")
        with open(self.standin.record_file) as f:
            self.assertNotIn("Mebx-Pass-1", f.read())


def amt19_device():
    with open(os.path.join(ROOT, "tests", "sim", "devices", "amt19-pre.json")) as f:
        device = json.load(f)
    device.update(uuid=UUID, local_system_account={"username": "$$OsAdmin",
                                                   "password": LSA_PASSWORD})
    return device


class TlsTunnel(StandInTest):
    """AMT 19 with TLS enforced: port_switch, then TLS run by the stand-in through tls_data,
    verified against the simulator's On-Die CA root before provisioning."""

    def start(self, faults=()):
        device = Device(self.tmp, amt19_device(), faults)
        self.addCleanup(device.stop)
        self.standin.stop()
        self.standin = StandIn(self.tmp, {"office": CCM}, ondie_root=device.ondie_root)
        return device

    def test_ccm_and_deactivation_through_the_tunnel(self):
        device = self.start()
        amt19 = amt19_device()
        payload = payload_for(amt19, tlsEnforced=True)
        result, _, _ = run(self.standin.port, message("activate --profile office", payload),
                           device.lms_port)
        self.assertEqual(result["method"], "success", result)
        state = device.state()
        self.assertEqual((state["control_mode"], state["provisioning_state"]), (1, 2))
        handshakes = [t for t in self.standin.records("tunnel") if t["step"] == "handshake"]
        self.assertTrue(handshakes[0]["ok"] and handshakes[0]["verified"], handshakes)
        self.assertTrue(any(h["resumed"] for h in handshakes), handshakes)
        commit = [w["status"] for w in self.standin.records("wsman")
                  if w["action"].endswith("/CommitChanges")]
        self.assertEqual(commit, [200])
        self.assertEqual(self.standin.records("wsman")[0]["status"], 401)

        activated = dict(payload, currentMode=1, password=ADMIN_PASSWORD)
        result, _, _ = run(self.standin.port, message(
            f"deactivate --password {ADMIN_PASSWORD}", activated), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual(device.state()["control_mode"], 0)

    def test_chain_not_from_the_ondie_root_is_refused(self):
        device = self.start(faults=("tls-bad-chain",))
        result, _, _ = run(self.standin.port, message(
            "activate --profile office", payload_for(amt19_device(), tlsEnforced=True)),
            device.lms_port)
        self.assertEqual(result["method"], "error")
        self.assertIn("certificate verify failed", result["message"])
        self.assertEqual(self.standin.records("wsman"), [])  # no request went out
        handshake = [t for t in self.standin.records("tunnel") if t["step"] == "handshake"]
        self.assertEqual([h["ok"] for h in handshake], [False])


class Refusals(StandInTest):
    def assert_error(self, first, text):
        result, _, relayed = run(self.standin.port, first)
        self.assertEqual((result["method"], result["status"], relayed), ("error", "failed", 0))
        self.assertIn(text, result["message"])
        self.assertEqual(self.standin.records("wsman"), [])
        self.assertEqual(self.standin.records("client-close")[-1]["code"], 1000)

    def test_unknown_profile(self):
        self.assert_error(message("activate --profile nosuch", payload_for(DEVICE)),
                          "nosuch does not match list of available AMT profiles")

    def test_protocol_version(self):
        self.assert_error(message("activate --profile office", payload_for(DEVICE), "3.0.0"),
                          "protocol version NOT supported: 3.0.0")

    def test_payload(self):
        incomplete = payload_for(DEVICE)
        del incomplete["build"]
        self.assert_error(message("activate --profile office", incomplete),
                          "Invalid payload from client")
        for uuid, text in (("00000000-0000-0000-0000-000000000000", "invalid UUID"),
                           ("1234", "uuid not valid length")):
            self.assert_error(message("activate --profile office", payload_for(DEVICE, uuid=uuid)),
                              text)

    def test_acm_needs_hashes_and_suffix(self):
        self.standin.stop()
        acm = {"activation": "acm", "admin_password": ADMIN_PASSWORD, "domain_suffix": "x.example",
               "provisioning_cert": "/nonexistent.pfx", "provisioning_cert_password": "pw"}
        self.standin = StandIn(self.tmp, {"acm": acm})
        self.assert_error(message("activate --profile acm", payload_for(DEVICE, certHashes=[])),
                          "Missing certificate hashes")
        self.assert_error(message("activate --profile acm", payload_for(DEVICE, certHashes=["ab" * 32])),
                          "Missing DNS Suffix")
        self.assert_error(message("activate --profile acm", payload_for(
            DEVICE, certHashes=["ab" * 32], fqdn="y.example")), "y.example does not match")


class RefuseVersion(StandInTest):
    scenario = "refuse-version"

    def test_first_message_refused(self):
        result, _, relayed = run(self.standin.port, message("activate --profile office",
                                                            payload_for(DEVICE)))
        self.assertEqual((result["method"], relayed), ("error", 0))
        self.assertEqual(result["message"], "protocol version NOT supported: 4.0.0")


class Heartbeat(StandInTest):
    scenario = "heartbeat"

    def test_answered_heartbeat_continues(self):
        device = self.device()
        result, _, _ = run(self.standin.port, message("activate --profile office",
                                                      payload_for(DEVICE)), device.lms_port)
        self.assertEqual(result["method"], "success", result)
        self.assertEqual(self.standin.records("heartbeat")[0]["ok"], True)

    def test_wrong_heartbeat_answer_fails(self):
        result, _, relayed = run(self.standin.port, message(
            "activate --profile office", payload_for(DEVICE)), heartbeat_status="failed")
        self.assertEqual((result["method"], relayed), ("error", 0))
        self.assertIn("heartbeat_response", result["message"])


class WebSocketRules(StandInTest):
    def test_unmasked_frame_closes_1002(self):
        client = Client(self.standin.port)
        client.send_frame(0x1, b"{}", masked=False)
        opcode, data = client.receive_frame()
        client.sock.close()
        self.assertEqual((opcode, struct.unpack("!H", data)[0]), (0x8, 1002))
        self.assertEqual(self.standin.records("refused")[-1]["reason"], "client frame not masked")

    def test_message_over_100k_closes_1009(self):
        client = Client(self.standin.port)
        client.send_frame(0x1, b"x" * 60000, fin=False)
        client.send_frame(0x0, b"x" * 60000)
        opcode, data = client.receive_frame()
        client.sock.close()
        self.assertEqual((opcode, struct.unpack("!H", data)[0]), (0x8, 1009))

    def test_fragments_and_ping(self):
        client = Client(self.standin.port)
        client.send_frame(0x9, b"hi")
        self.assertEqual(client.receive_frame(), (0xA, b"hi"))
        text = json.dumps(message("activate --profile nosuch", payload_for(DEVICE))).encode()
        client.send_frame(0x1, text[:10], fin=False)
        client.send_frame(0x9, b"")  # a control frame between fragments
        self.assertEqual(client.receive_frame(), (0xA, b""))
        client.send_frame(0x0, text[10:])
        self.assertIn("nosuch", client.receive_json()["message"])
        self.assertEqual(client.close(), 1000)


def drain(client):
    """Reads until the stand-in closes TCP (so everything it records is on disk)."""
    try:
        while client.sock.recv(65536):
            pass
    except ConnectionError:
        pass
    client.sock.close()


class CloseMidFlow(StandInTest):
    scenario = "close-mid-flow"

    def test_closed_without_close_frame_after_two_requests(self):
        device = self.device()
        with self.assertRaises(ConnectionError):
            run(self.standin.port, message("activate --profile office", payload_for(DEVICE)),
                device.lms_port)
        self.assertEqual(len(self.standin.records("wsman")), 2)
        self.assertEqual(self.standin.records("result"), [])


class Oversized(StandInTest):
    scenario = "oversized"

    def test_client_closing_1009_is_recorded(self):
        client = Client(self.standin.port)
        client.send_json(message("activate --profile office", payload_for(DEVICE)))
        b0, b1 = client._need(2)
        self.assertEqual((b0, b1 & 0x7F), (0x81, 127))
        (length,) = struct.unpack("!Q", client._need(8))
        self.assertEqual(length, 2 * 1024 * 1024)
        client.send_frame(0x8, struct.pack("!H", 1009))  # what a client with a limit does
        drain(client)
        self.assertEqual(self.standin.records("client-close")[-1]["code"], 1009)


class EvilPort(StandInTest):
    scenario = "evil-port"

    def test_refusing_client_is_recorded(self):
        client = Client(self.standin.port)
        client.send_json(message("activate --profile office", payload_for(DEVICE)))
        msg = client.receive_json()
        raw = base64.b64decode(msg["payload"])
        self.assertTrue(raw.startswith(b"POST http://127.0.0.1:22/wsman HTTP/1.1\r\n"))
        self.assertIn(b"\r\nHost: 127.0.0.1:22\r\n", raw)
        client.send_frame(0x8, struct.pack("!H", 1008))
        drain(client)
        self.assertEqual(self.standin.records("evil-port")[-1]["response"], False)
        self.assertEqual(self.standin.records("client-close")[-1]["code"], 1008)


class Wss(unittest.TestCase):
    def test_wss_with_test_ca(self):
        tmp = tempfile.mkdtemp(prefix="standin-wss-")
        self.addCleanup(shutil.rmtree, tmp, True)
        certs = os.path.join(tmp, "certs")
        subprocess.run([os.path.join(ROOT, "tests", "certs", "make-rps-tls.sh"), certs],
                       check=True, stdout=subprocess.DEVNULL)
        standin = StandIn(tmp, {"office": CCM}, tls=(os.path.join(certs, "rps-server.pem"),
                                                     os.path.join(certs, "rps-server.key")))
        self.addCleanup(standin.stop)
        context = ssl.create_default_context(cafile=os.path.join(certs, "rps-ca.pem"))
        result, _, _ = run(standin.port, message("activate --profile nosuch", payload_for(DEVICE)),
                           context=context)
        self.assertEqual(result["method"], "error")
        with self.assertRaises(ssl.SSLCertVerificationError):
            Client(standin.port, ssl.create_default_context())  # the system CAs do not know it


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sim-lib")
    options, rest = parser.parse_known_args()
    default = os.path.join(ROOT, "build", "tests", "sim", "libamtcfg_sim.so")
    harness.SIM_LIB = os.path.abspath(options.sim_lib or default)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
