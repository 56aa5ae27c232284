"""One client connection: the JSON envelope both ways and the relay of WS-Man through the client
(rps-protocol.md sections 1, 2 and 4)."""

import base64
import json
import socket

from . import http_wire, validator, websocket, wsman

APP_VERSION = "2.40.0-standin"
# AMT's local WS-Man port as RPS puts it into Host (rps DataProcessor setConnectionParams).
AMT_PORT = 16992
AMT_TLS_PORT = 16993
# Each wsman request goes out at most this often (first try, after a challenge, after stale).
_MAX_TRIES = 3


class FlowError(Exception):
    """The flow failed after it started: RPS answers "error" with a status object."""


class Abort(Exception):
    """The stand-in drops the connection on purpose (a scenario)."""


class Session:
    def __init__(self, ws, recorder, client_id, scenario):
        self.ws = ws
        self.recorder = recorder
        self.client_id = client_id
        self.scenario = scenario
        self.envelopes = wsman.Envelopes()
        self.relayed = 0
        self.progress_supported = False
        self.uuid = ""
        self.tunnel = None  # a tunnel.Tunnel when the device enforces TLS (AMT 19+)

    # -- the envelope -------------------------------------------------------------------------
    def send(self, method, status, message="", payload=None):
        self.ws.send_text(json.dumps({
            "method": method, "apiKey": "xxxxx", "appVersion": APP_VERSION,
            "protocolVersion": validator.PROTOCOL_VERSION, "status": status,
            "message": message, "payload": payload, "tenantId": ""}))

    def receive(self):
        """The next client message as a dict; every message must carry protocolVersion 4.0.0."""
        return validator.parse_envelope(self.ws.receive_text())

    def wait_for(self, method):
        msg = self.receive()
        if msg["method"] != method:
            raise FlowError(f"Device {self.uuid} Not a supported method received from AMT "
                            f"device (expected {method}, got {msg['method']})")
        return msg

    def progress(self, text):
        if self.progress_supported:
            self.send("progress", "ok", text)

    def heartbeat(self):
        """heartbeat_request, then the client must answer heartbeat_response "success"."""
        self.ws.send_text(json.dumps({
            "method": "heartbeat_request", "apiKey": "xxxxx", "appVersion": APP_VERSION,
            "protocolVersion": validator.PROTOCOL_VERSION, "status": "heartbeat",
            "message": "", "payload": "", "tenantId": ""}))
        msg = self.receive()
        ok = msg["method"] == "heartbeat_response" and msg.get("status") == "success"
        self.recorder.event("heartbeat", method=msg["method"], status=msg.get("status"), ok=ok)
        if not ok:
            raise FlowError("heartbeat_response with status success expected")

    # -- the relay ----------------------------------------------------------------------------
    def exchange_raw(self, raw):
        """Sends one raw HTTP request (as `wsman`, or through the TLS tunnel) and returns the
        raw response bytes."""
        self.relayed += 1
        if self.tunnel is not None:
            return self.tunnel.exchange(raw)
        self.send("wsman", "ok", "ok", base64.b64encode(raw).decode())
        reply = self.wait_for("response")
        try:
            return base64.b64decode(reply.get("payload") or "", validate=True)
        except ValueError:
            raise FlowError(f"Device {self.uuid} sent a response that is not base64")

    def call(self, request, digest):
        """Relays one WS-Man call, with digest authentication as RPS does it; returns the
        parsed 200 answer, or raises FlowError."""
        for _ in range(_MAX_TRIES):
            authorization = digest.header()
            tls = self.tunnel is not None
            raw = http_wire.build_request(request.envelope, self.uuid,
                                          AMT_TLS_PORT if tls else AMT_PORT, authorization,
                                          keep_alive=tls)
            data = self.exchange_raw(raw)
            try:
                response = http_wire.parse_response(data)
            except http_wire.ResponseError as error:
                self.recorder.event("wsman", action=request.action, status=None)
                raise FlowError(f"Device {self.uuid} unparsable response from AMT: {error}")
            self.recorder.event("wsman", action=request.action, status=response.status)
            if self.scenario == "close-mid-flow" and self.relayed == 2:
                self.recorder.event("scenario", name="close-mid-flow", relayed=self.relayed)
                raise Abort("close-mid-flow")
            if response.status == 401:
                challenge = http_wire.parse_challenge(response.header("WWW-Authenticate") or "")
                if authorization is None or challenge.get("stale", "").lower() == "true":
                    digest.take_challenge(challenge)
                    continue
                raise FlowError("Unable to authenticate with AMT.")
            if response.status == 200:
                try:
                    return wsman.Answer(response.body)
                except (ValueError, SyntaxError) as error:
                    raise FlowError(f"Device {self.uuid} unparsable WS-Man answer: {error}")
            detail = wsman.fault_text(response.body) if response.status == 400 else ""
            raise FlowError(f"{request.action.rsplit('/', 1)[-1]} failed: HTTP "
                            f"{response.status} {detail}".strip())
        raise FlowError("Unable to authenticate with AMT. Exceeded Retry Attempts.")

    # -- the end of a connection --------------------------------------------------------------
    def wait_for_close(self, timeout):
        """After the result the client closes; records how (code, or none)."""
        self.ws.sock.settimeout(timeout)
        try:
            while True:
                msg = self.ws.receive_text()
                self.recorder.event("late-message", length=len(msg))
        except websocket.Closed as closed:
            if not closed.by_client and closed.reason.startswith("connection closed"):
                self.recorder.event("client-close", code=None, frame=False)
        except socket.timeout:
            self.recorder.event("client-close", code=None, frame=False, timeout=True)
            self.ws.send_close()
        except OSError as error:
            self.recorder.event("client-close", code=None, frame=False, error=str(error))
