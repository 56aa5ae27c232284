"""Serves one client connection: validation as RPS's Validator does it, the scenario, the flow,
the result (rps-protocol.md sections 1-3 and 6)."""

import base64
import copy
import json
import re
import socket
import threading
import uuid as uuidlib

from . import flows, store, validator, websocket
from .session import Abort, FlowError, Session
from .tunnel import Tunnel
from .validator import Refusal

CLIENT_TIMEOUT = 60  # seconds a client may take for one answer before the stand-in gives up
_SECRET_KEYS = ("password", "taskArg")
OVERSIZED_BYTES = 2 * 1024 * 1024
# Option values that are no secret; every other argument word is shown as ***.
_SHOWN_OPTIONS = ("--profile", "--tenant", "-t", "--text")


def masked_method(method):
    """The command line with the password and any positional argument (a static password for
    changepassword) replaced by ***."""
    words = method.split(" ")
    out = words[:1]
    for i, word in enumerate(words[1:], start=1):
        if re.match(r"--?(password|p)=", word):
            word = word.split("=", 1)[0] + "=***"
        elif word and not word.startswith("-") and words[i - 1] not in _SHOWN_OPTIONS:
            word = "***"
        out.append(word)
    return " ".join(out)


def masked_payload(payload):
    shown = copy.deepcopy(payload)
    for key in _SECRET_KEYS:
        if key in shown:
            shown[key] = "***"
    return shown


class Handler:
    def __init__(self, sock, options, recorder):
        self.sock = sock
        self.options = options
        self.recorder = recorder
        self.ws = None

    def run(self):
        self.sock.settimeout(CLIENT_TIMEOUT)
        try:
            path, leftover = websocket.server_handshake(self.sock)
        except websocket.HandshakeRefused as refused:
            self.recorder.event("refused", stage="handshake", reason=str(refused))
            return
        self.recorder.event("connect", path=path)
        self.ws = websocket.Connection(self.sock, leftover)
        self.ws.on_event = self.recorder.event
        session = Session(self.ws, self.recorder, str(uuidlib.uuid4()), self.options.scenario)
        try:
            self._serve(session)
        except websocket.Closed as closed:
            if not closed.by_client and closed.reason.startswith("connection closed"):
                self.recorder.event("client-close", code=None, frame=False)
        except Abort:
            self.sock.shutdown(socket.SHUT_RDWR)
        except socket.timeout:
            self.recorder.event("refused", stage="websocket", reason="client timed out")

    def _result(self, session, method, message):
        """success/error as RPS sends them: status "success"/"failed", message text or JSON."""
        text = message if isinstance(message, str) else json.dumps(message)
        session.send(method, "success" if method == "success" else "failed", text)
        self.recorder.event("result", method=method, message=text)
        session.wait_for_close(CLIENT_TIMEOUT)

    def _serve(self, session):
        first = self.ws.receive_text()
        if self.options.scenario == "refuse-version":
            try:
                version = json.loads(first).get("protocolVersion")
            except (ValueError, AttributeError):
                version = None
            return self._result(session, "error", f"protocol version NOT supported: {version}")
        try:
            self._validate(session, first)
            status = self._dispatch(session)
        except Refusal as refusal:
            return self._result(session, "error", str(refusal))
        except FlowError as error:
            return self._result(session, "error", {"Status": str(error)})
        if status is not None:
            self._result(session, "success", status)

    def _validate(self, session, first):
        msg = validator.parse_envelope(first)
        payload = validator.decode_payload(msg)
        command = validator.apply_command(msg, payload)
        self.recorder.event("payload", method=masked_method(msg["method"]),
                            payload=masked_payload(payload))
        validator.verify_uuid(payload, session.client_id)
        session.uuid, session.payload, session.command = payload["uuid"], payload, command
        session.tenant = msg.get("tenantId")
        session.progress_supported = payload.get("progressSupported") is True

    def _dispatch(self, session):
        scenario = self.options.scenario
        if scenario == "heartbeat":
            session.heartbeat()
        elif scenario == "oversized":
            return self._oversized(session)
        elif scenario == "evil-port":
            return self._evil_port(session)
        vault = store.Vault(self.options.state)
        vault.load()
        flow = self._checked_flow(session, vault)
        if session.payload.get("tlsEnforced") is True:
            # Verified against the On-Die CA only before provisioning, as RPS does.
            verify = session.command == "activate" and session.payload.get("currentMode") == 0
            session.tunnel = Tunnel(session, self.options.ondie_root, verify)
            session.tunnel.port_switch()
        return flow()

    def _checked_flow(self, session, vault):
        """Validator checks for the command; returns the flow to run."""
        payload, command = session.payload, session.command
        if command == "activate":
            profile = self._check_activation(session)
            return lambda: flows.activate(session, profile, vault)
        if command in ("deactivate", "maintenance"):
            action = "deactivation" if command == "deactivate" else "maintenance"
            if command == "maintenance" and not payload.get("task"):
                raise Refusal(f"{session.client_id} - missing maintenance task in message")
            mode = payload.get("currentMode")
            if mode == 0 or mode is None:
                raise Refusal(f"Device {session.uuid} is in pre-provisioning mode.")
            if mode not in (1, 2):
                raise Refusal(f"Device {session.uuid} {action} failed. It is in unknown mode: "
                              f"{mode}.")
            validator.verify_amt_version(payload, action)
            if not payload.get("force"):
                validator.verify_password_matches(payload, vault.get(session.uuid))
            if command == "deactivate":
                return lambda: flows.deactivate(session, vault)
            return lambda: flows.maintain(session)
        raise Refusal(f"Device {session.uuid} Not a supported method received from AMT device")

    def _check_activation(self, session):
        payload = session.payload
        validator.verify_amt_version(payload, "activation")
        if not payload.get("password"):
            raise Refusal(f"Device {session.uuid} activation failed. Missing password.")
        name = payload.get("profile")
        profile = self.options.profiles.get(name) if name is not None else None
        if profile is None:
            raise Refusal(f"Device {session.uuid} activation failed. {name} does not match list "
                          "of available AMT profiles.")
        if payload.get("currentMode") not in (0, 1, 2):
            raise Refusal(f"Device {session.uuid} activation failed. It is in unknown mode.")
        if profile["activation"] == "acm":
            if float(re.match(r"\d+", str(payload["ver"])).group(0)) >= 19:
                raise FlowError("ACM on AMT 19 and later (Secure Host-Based Configuration) is "
                                "not supported by the stand-in")
            validator.verify_acm(payload, profile)
        return profile

    def _oversized(self, session):
        """One 2 MiB text message; records how the client reacts (it must close with 1009)."""
        frame = websocket.encode_frame(websocket.OP_TEXT, b"x" * OVERSIZED_BYTES)

        def send():
            try:
                self.sock.sendall(frame)
            except OSError:
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        self.recorder.event("scenario", name="oversized", bytes=OVERSIZED_BYTES)
        session.wait_for_close(CLIENT_TIMEOUT)
        return None

    def _evil_port(self, session):
        """A wsman request aimed at 127.0.0.1:22; the client must not relay it."""
        body = "<Envelope/>"
        raw = (f"POST http://127.0.0.1:22/wsman HTTP/1.1\r\nHost: 127.0.0.1:22\r\n"
               f"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               f"{len(body):x}\r\n{body}\r\n0\r\n\r\n").encode()
        session.send("wsman", "ok", "ok", base64.b64encode(raw).decode())
        self.recorder.event("scenario", name="evil-port")
        try:
            msg = session.receive()
        except websocket.Closed:
            self.recorder.event("evil-port", response=False)
            return None
        except Refusal:
            msg = {"method": "?"}
        self.recorder.event("evil-port", response=msg.get("method") == "response",
                            method=msg.get("method"))
        session.wait_for_close(CLIENT_TIMEOUT)
        return None
