#!/usr/bin/python3
"""Tests of the RPS stand-in without amtcfg: a minimal WebSocket client of its own (masked
frames) that relays the stand-in's wsman requests to the simulator's LMS listener, byte for
byte. Run: /usr/bin/python3 tests/rps/test_standin.py --sim-lib build/tests/sim/libamtcfg_sim.so
(ctest entry rps_standin). The simulator runs in a helper process started through
scripts/with-sim.sh --lms (the same script amtcfg's tests use)."""

import argparse
import base64
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
STANDIN = os.path.join(HERE, "rps_standin.py")
WITH_SIM = os.path.join(ROOT, "scripts", "with-sim.sh")
SIM_LIB = None  # set by main()
DEADLINE = 30.0

UUID = "4c4c4544-0042-3510-8052-b3c04f4b4e32"
LSA_PASSWORD = "Lsa-Pass-standin-0123456789"
ADMIN_PASSWORD = "P@ssw0rd-Standin1"


# -- the simulated device: a helper process that hosts the simulator's LMS listener ----------
class Device:
    def __init__(self, tmp, device):
        self.device_file = os.path.join(tmp, "device.json")
        self.state_file = os.path.join(tmp, "sim-state.json")
        with open(self.device_file, "w") as f:
            json.dump(device, f)
        env = dict(os.environ, AMTCFG_SIM_LIB=SIM_LIB, AMTCFG_SIM_LMS_PROGRAM="python3",
                   ASAN_OPTIONS="detect_leaks=0")
        env.pop("AMTCFG_LMS_PORT", None)
        self.proc = subprocess.Popen(
            [WITH_SIM, "--lms", "--device-file", self.device_file, "--state", self.state_file,
             "--", PYTHON, os.path.abspath(__file__), "--lms-host"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        line = self.proc.stdout.readline()  # the host prints the port once the listener is up
        if not line.strip().isdigit():
            raise RuntimeError(f"the simulator did not start: {line!r}")
        self.lms_port = int(line)

    def state(self):
        with open(self.state_file) as f:
            return json.load(f)

    def stop(self):
        self.proc.stdin.close()  # EOF: the host exits, the simulator saves the state
        self.proc.wait(DEADLINE)
        self.proc.stdout.close()


def lms_host():
    print(os.environ["AMTCFG_LMS_PORT"], flush=True)
    sys.stdin.read()


# -- the stand-in -------------------------------------------------------------------------------
class StandIn:
    def __init__(self, tmp, profiles, scenario="normal", tls=None):
        self.tmp = tmp
        self.record_file = os.path.join(tmp, "record.jsonl")
        self.state_file = os.path.join(tmp, "vault.json")
        port_file = os.path.join(tmp, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        profiles_file = os.path.join(tmp, "profiles.json")
        with open(profiles_file, "w") as f:
            json.dump({"profiles": profiles}, f)
        args = [PYTHON, STANDIN, "--port-file", port_file, "--profiles", profiles_file,
                "--state", self.state_file, "--record", self.record_file, "--scenario", scenario]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        self.proc = subprocess.Popen(args, env=env)
        end = time.monotonic() + DEADLINE
        while not os.path.exists(port_file):  # the port file appears by rename, complete
            if self.proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("the stand-in did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read())

    def records(self, event=None):
        with open(self.record_file) as f:
            rows = [json.loads(line) for line in f]
        return [r for r in rows if event is None or r["event"] == event]

    def vault(self):
        with open(self.state_file) as f:
            return json.load(f)["devices"]

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(DEADLINE)


# -- a minimal WebSocket client ------------------------------------------------------------------
class Client:
    def __init__(self, port, context=None, path="/activate"):
        sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.sock = context.wrap_socket(sock, server_hostname="127.0.0.1") if context else sock
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        import hashlib
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert head.startswith(b"HTTP/1.1 101 "), head
        assert f"Sec-WebSocket-Accept: {accept}".encode() in head, head

    def send_frame(self, opcode, payload, masked=True, fin=True):
        first = (0x80 if fin else 0) | opcode
        n = len(payload)
        bit = 0x80 if masked else 0
        if n < 126:
            head = struct.pack("!BB", first, bit | n)
        elif n < 65536:
            head = struct.pack("!BBH", first, bit | 126, n)
        else:
            head = struct.pack("!BBQ", first, bit | 127, n)
        if masked:
            mask = os.urandom(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            head += mask
        self.sock.sendall(head + payload)

    def send_json(self, obj):
        self.send_frame(0x1, json.dumps(obj).encode())

    def _need(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def receive_frame(self):
        b0, b1 = self._need(2)
        assert not b1 & 0x80, "server frames are never masked"
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", self._need(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", self._need(8))
        return b0 & 0x0F, self._need(n)

    def receive_json(self):
        opcode, data = self.receive_frame()
        assert opcode == 0x1, f"opcode {opcode}"
        return json.loads(data)

    def close(self, code=1000):
        self.send_frame(0x8, struct.pack("!H", code))
        opcode, data = self.receive_frame()
        assert opcode == 0x8
        self.sock.close()
        return struct.unpack("!H", data[:2])[0]


def payload_for(device, **extra):
    payload = {"ver": device["amt_version"], "build": device["build"], "sku": device["sku"],
               "uuid": device["uuid"], "username": "$$OsAdmin", "password": LSA_PASSWORD,
               "currentMode": device["control_mode"], "hostname": "standin-host", "fqdn": "",
               "client": "RPC", "certHashes": [h["hash"] for h in device.get("cert_hashes", [])],
               "hostnameInfo": {"dnsSuffixOS": "corp.example", "hostname": "standin-host"},
               "progressSupported": True}
    payload.update(extra)
    return payload


def message(method, payload, version="4.0.0"):
    return {"method": method, "apiKey": "key", "appVersion": "test", "protocolVersion": version,
            "status": "ok", "message": "ok", "tenantId": "", "fqdn": "",
            "payload": base64.b64encode(json.dumps(payload).encode()).decode()}


def relay(raw, lms_port):
    """What a client's relay does: the request to local AMT as it is, the answer back whole."""
    with socket.create_connection(("127.0.0.1", lms_port), timeout=DEADLINE) as sock:
        sock.sendall(raw)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk


def run(port, first, lms_port=None, heartbeat_status="success", context=None):
    """Sends the first message and plays the client until success/error; returns (result
    message, progress texts, relayed count)."""
    client = Client(port, context)
    try:
        return _play(client, first, lms_port, heartbeat_status)
    finally:
        client.sock.close()


def _play(client, first, lms_port, heartbeat_status):
    client.send_json(first)
    progress, relayed = [], 0
    while True:
        msg = client.receive_json()
        assert msg["protocolVersion"] == "4.0.0"
        if msg["method"] == "wsman":
            raw = relay(base64.b64decode(msg["payload"]), lms_port)
            relayed += 1
            client.send_json({"method": "response", "apiKey": "key", "appVersion": "test",
                              "protocolVersion": "4.0.0", "status": "ok", "message": "ok",
                              "payload": base64.b64encode(raw).decode(), "tenantId": ""})
        elif msg["method"] == "heartbeat_request":
            client.send_json({"method": "heartbeat_response", "apiKey": "key",
                              "appVersion": "test", "protocolVersion": "4.0.0",
                              "status": heartbeat_status, "message": "", "payload": "",
                              "tenantId": ""})
        elif msg["method"] == "progress":
            progress.append(msg["message"])
        else:
            assert msg["method"] in ("success", "error"), msg
            assert client.close() == 1000
            return msg, progress, relayed


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

    def device(self, **changes):
        device = Device(self.tmp, dict(DEVICE, **changes))
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
    global SIM_LIB
    parser = argparse.ArgumentParser()
    parser.add_argument("--lms-host", action="store_true")
    parser.add_argument("--sim-lib")
    options, rest = parser.parse_known_args()
    if options.lms_host:
        return lms_host()
    SIM_LIB = os.path.abspath(options.sim_lib or os.path.join(ROOT, "build", "tests", "sim",
                                                              "libamtcfg_sim.so"))
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
