#!/usr/bin/python3
"""What test_standin.py plays against the RPS stand-in: the simulated device (a helper process
hosting the simulator's LMS listener under scripts/with-sim.sh --lms; this file run with
--lms-host), the stand-in process, and a minimal client of its own (masked WebSocket frames,
the relay byte for byte, the client side of the TLS tunnel)."""

import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
STANDIN = os.path.join(HERE, "rps_standin.py")
WITH_SIM = os.path.join(ROOT, "scripts", "with-sim.sh")
SIM_LIB = None  # set by test_standin.main()
DEADLINE = 30.0

UUID = "4c4c4544-0042-3510-8052-b3c04f4b4e32"
LSA_PASSWORD = "Lsa-Pass-standin-0123456789"
ADMIN_PASSWORD = "P@ssw0rd-Standin1"


# -- the simulated device: a helper process that hosts the simulator's LMS listener ----------
class Device:
    def __init__(self, tmp, device, faults=()):
        self.device_file = os.path.join(tmp, "device.json")
        self.state_file = os.path.join(tmp, "sim-state.json")
        with open(self.device_file, "w") as f:
            json.dump(device, f)
        env = dict(os.environ, AMTCFG_SIM_LIB=SIM_LIB, AMTCFG_SIM_LMS_PROGRAM="python3",
                   ASAN_OPTIONS="detect_leaks=0")
        env.pop("AMTCFG_LMS_PORT", None)
        self.proc = subprocess.Popen(
            [WITH_SIM, "--lms", "--device-file", self.device_file, "--state", self.state_file,
             *[arg for fault in faults for arg in ("--fault", fault)], "--", PYTHON,
             os.path.abspath(__file__), "--lms-host"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        line = self.proc.stdout.readline().decode()  # once the listener is up: port, root
        fields = line.split()
        if not fields or not fields[0].isdigit():
            raise RuntimeError(f"the simulator did not start: {line!r}")
        self.lms_port = int(fields[0])
        self.ondie_root = fields[1] if len(fields) > 1 else None

    def state(self):
        with open(self.state_file) as f:
            return json.load(f)

    def stop(self):
        self.proc.stdin.close()  # EOF: the host exits, the simulator saves the state
        self.proc.wait(DEADLINE)
        self.proc.stdout.close()


def lms_host():
    print(os.environ["AMTCFG_LMS_PORT"], os.environ.get("AMTCFG_SIM_ONDIE_ROOT", ""), flush=True)
    sys.stdin.read()


# -- the stand-in -------------------------------------------------------------------------------
class StandIn:
    def __init__(self, tmp, profiles, scenario="normal", tls=None, ondie_root=None):
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
        if ondie_root:
            args += ["--ondie-root", ondie_root]
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
        self.lock = threading.Lock()
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
        with self.lock:  # the tunnel's reader thread sends too
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


def reply(method, payload="", status="ok"):
    return {"method": method, "apiKey": "key", "appVersion": "test", "protocolVersion": "4.0.0",
            "status": status, "message": "", "payload": payload, "tenantId": ""}


class AmtLink:
    """The client's side of the TLS tunnel (rps-protocol.md section 5): a plain TCP connection
    to AMT's TLS port (here the simulator's LMS), TLS bytes passed both ways as tls_data, a new
    connection for each ClientHello, connection_reset when AMT closes."""

    def __init__(self, client, lms_port):
        self.client, self.lms_port = client, lms_port
        self.sock, self.used, self.hellos = None, False, 0

    def open(self):
        self.close()
        sock = socket.create_connection(("127.0.0.1", self.lms_port), timeout=DEADLINE)
        self.sock, self.used = sock, False
        threading.Thread(target=self._read, args=(sock,), daemon=True).start()

    def _read(self, sock):
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                self.client.send_json(reply("tls_data", base64.b64encode(data).decode()))
        except OSError:
            pass
        if self.sock is sock:  # AMT closed it, not we
            self.client.send_json(reply("connection_reset", base64.b64encode(b"closed").decode()))

    def write(self, data):
        if len(data) > 5 and data[0] == 0x16 and data[5] == 0x01:  # a ClientHello
            self.hellos += 1
            if self.used or self.sock is None:
                self.open()
        self.used = True
        self.sock.sendall(data)

    def close(self):
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def _play(client, first, lms_port, heartbeat_status):
    client.send_json(first)
    progress, relayed = [], 0
    link = AmtLink(client, lms_port)
    try:
        return _loop(client, link, progress, relayed, heartbeat_status)
    finally:
        link.close()


def _loop(client, link, progress, relayed, heartbeat_status):
    lms_port = link.lms_port
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
        elif msg["method"] == "port_switch":
            switch = json.loads(base64.b64decode(msg["payload"]))
            assert switch["port"] == "16993", switch
            link.open()
            client.send_json(reply("port_switch_ack"))
        elif msg["method"] == "tls_data":
            link.write(base64.b64decode(msg["payload"]))
        else:
            assert msg["method"] in ("success", "error"), msg
            assert client.close() == 1000
            return msg, progress, relayed


if __name__ == "__main__" and sys.argv[1:] == ["--lms-host"]:
    lms_host()
