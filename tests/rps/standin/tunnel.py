"""The TLS tunnel to AMT 19+ (rps-protocol.md section 5): port_switch / port_switch_ack, then
the stand-in runs TLS itself over memory BIOs, its records travelling as base64 `tls_data`."""

import base64
import json
import ssl

from . import http_wire
from .session import FlowError

AMT_TLS_PORT = 16993
_HANDSHAKE_RECORD = 0x16


class _Reset(FlowError):
    """The client reported that AMT closed the TCP connection (connection_reset)."""


class Tunnel:
    """One TLS session at a time through the client. `verify`: check AMT's certificate against
    the On-Die CA root (before provisioning); RPS skips verification after CCM without a
    trust anchor and on the deactivation path, and so does the stand-in (verify False)."""

    def __init__(self, session, ondie_root, verify):
        self.session = session
        self.ondie_root = ondie_root
        self.verify = verify
        self._contexts = {}  # one SSLContext per verify mode: sessions resume within one
        self._tls = None  # the current ssl.SSLObject, None between sessions
        self._saved = None  # ssl.SSLSession of the last session, offered for resumption
        self._saved_context = None
        self._awaiting_first = False
        self._stale_reset_allowed = False

    def port_switch(self):
        root = ""
        if self.ondie_root:
            with open(self.ondie_root, encoding="ascii") as f:
                root = f.read()
        payload = json.dumps({"port": str(AMT_TLS_PORT), "rootCert": root, "delay": 0})
        self.session.send("port_switch", "ok", "ok", base64.b64encode(payload.encode()).decode())
        msg = self.session.receive()
        self.session.recorder.event("tunnel", step="port_switch_ack", method=msg["method"])
        if msg["method"] != "port_switch_ack":
            raise FlowError(f"Device {self.session.uuid} port_switch_ack expected, got "
                            f"{msg['method']}")

    def _context(self):
        if self.verify not in self._contexts:
            self._contexts[self.verify] = self._new_context()
        return self._contexts[self.verify]

    def _new_context(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.check_hostname = False  # AMT's certificate names no host (CN AMT RCFG)
        if self.verify:
            if not self.ondie_root:
                raise FlowError("the TLS tunnel before provisioning needs --ondie-root")
            context.load_verify_locations(self.ondie_root)
        else:
            context.verify_mode = ssl.CERT_NONE
        return context

    def _send_pending(self):
        data = self._out.read()
        if data:
            self.session.send("tls_data", "ok", "ok", base64.b64encode(data).decode())

    def _receive(self):
        """Feeds the next tls_data to TLS. Bytes before the new session's first handshake
        record, and one connection_reset, belong to the previous connection (RPS drops them)."""
        msg = self.session.receive()
        if msg["method"] == "tls_data":
            data = base64.b64decode(msg.get("payload") or "")
            if self._awaiting_first and data[:1] != bytes([_HANDSHAKE_RECORD]):
                self.session.recorder.event("tunnel", step="stale-data", bytes=len(data))
                return
            self._awaiting_first = False
            self._in.write(data)
        elif msg["method"] == "connection_reset":
            if self._awaiting_first and self._stale_reset_allowed:
                self._stale_reset_allowed = False
                self.session.recorder.event("tunnel", step="connection_reset", stale=True)
                return
            self.session.recorder.event("tunnel", step="connection_reset", stale=False)
            self._tls = None
            raise _Reset(f"Device {self.session.uuid} AMT closed the TLS connection "
                         "(connection_reset)")
        else:
            raise FlowError(f"Device {self.session.uuid} tls_data expected, got {msg['method']}")

    def _pump(self, operation):
        while True:
            try:
                return operation()
            except ssl.SSLWantReadError:
                self._send_pending()
                self._receive()

    def _read(self):
        """Application data; b"" once AMT's close_notify came (Python's SSLObject reports a
        clean close as an empty read, not as SSLZeroReturnError)."""
        try:
            return self._pump(lambda: self._tls.read(65536))
        except ssl.SSLZeroReturnError:
            return b""

    def _open(self):
        self._in, self._out = ssl.MemoryBIO(), ssl.MemoryBIO()
        context = self._context()
        saved = self._saved if self._saved is not None and \
            self._saved_context is context else None
        self._tls = context.wrap_bio(self._in, self._out, server_side=False, session=saved)
        self._awaiting_first = True
        try:
            self._pump(self._tls.do_handshake)
        except ssl.SSLError as error:
            self._send_pending()  # the alert
            self._tls = None
            self.session.recorder.event("tunnel", step="handshake", ok=False, reason=str(error))
            raise FlowError(f"Device {self.session.uuid} TLS to AMT failed: {error}")
        self._send_pending()
        self.session.recorder.event("tunnel", step="handshake", ok=True, verified=self.verify,
                                    resumed=self._tls.session_reused,
                                    version=self._tls.version())

    def exchange(self, raw):
        """One HTTP request through the tunnel; returns the raw response once its framing says
        it is complete. A response that closes the connection ends the session cleanly."""
        if self._tls is None:
            self._open()
        self._tls.write(raw)
        self._send_pending()
        data = b""
        while not http_wire.response_complete(data):
            chunk = self._read()
            if not chunk:  # closed early: the caller finds the response incomplete
                self._tls = None
                return data
            data += chunk
        if http_wire.response_closes(data):
            self._finish()
        return data

    def _finish(self):
        """AMT closes after this response: read its close_notify, send ours (OpenSSL resumes
        only sessions that ended cleanly), then a new ClientHello starts the next session."""
        tls = self._tls
        try:
            while self._read():
                pass
        except _Reset:  # closed without close_notify: nothing to answer, nothing to resume
            return
        self._saved, self._saved_context = tls.session, self._contexts[self.verify]
        try:
            tls.unwrap()
        except ssl.SSLError:
            pass
        self._send_pending()
        self._tls = None
        self._stale_reset_allowed = True
