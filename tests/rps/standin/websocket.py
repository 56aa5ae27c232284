"""RFC 6455 server side of the RPS stand-in: opening handshake, frames, close handshake."""

import base64
import hashlib
import struct

# RFC 6455 section 1.3: the GUID appended to Sec-WebSocket-Key.
_ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA

# Close codes (RFC 6455 section 7.4.1).
CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

# RPS closes a connection whose message exceeds 100 KB (rps WebSocketListener maxPayload).
MAX_MESSAGE = 100 * 1024
_MAX_HANDSHAKE = 16 * 1024


class HandshakeRefused(Exception):
    """The opening handshake was not a valid WebSocket upgrade; a 4xx was sent."""


class Closed(Exception):
    """The connection ended. `code` is the client's close code (None: no code or no frame),
    `by_client` says whether the client sent a close frame, `reason` why we stopped."""

    def __init__(self, code, by_client, reason):
        super().__init__(reason)
        self.code = code
        self.by_client = by_client
        self.reason = reason


def accept_key(key):
    return base64.b64encode(hashlib.sha1((key + _ACCEPT_GUID).encode()).digest()).decode()


def _read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise HandshakeRefused("connection closed during the handshake")
        data += chunk
        if len(data) > _MAX_HANDSHAKE:
            raise HandshakeRefused("handshake too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


def _refuse(sock, status, reason, extra=""):
    body = reason.encode()
    sock.sendall(
        f"HTTP/1.1 {status}\r\nConnection: close\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode()
        + body)
    raise HandshakeRefused(reason)


def server_handshake(sock):
    """Reads the client's upgrade request and answers 101; returns (path, leftover bytes)."""
    head, rest = _read_head(sock)
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "GET" or parts[2] != "HTTP/1.1":
        _refuse(sock, "400 Bad Request", "not an HTTP/1.1 GET")
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            _refuse(sock, "400 Bad Request", "bad header line")
        headers.setdefault(name.strip().lower(), []).append(value.strip())

    def one(name):
        values = headers.get(name, [])
        return values[0] if len(values) == 1 else None

    tokens = [t.strip().lower() for v in headers.get("connection", []) for t in v.split(",")]
    if (one("upgrade") or "").lower() != "websocket" or "upgrade" not in tokens:
        _refuse(sock, "400 Bad Request", "not a WebSocket upgrade")
    if one("host") is None:
        _refuse(sock, "400 Bad Request", "missing Host")
    if one("sec-websocket-version") != "13":
        _refuse(sock, "426 Upgrade Required", "unsupported Sec-WebSocket-Version",
                "Sec-WebSocket-Version: 13\r\n")
    key = one("sec-websocket-key") or ""
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            raise ValueError
    except ValueError:
        _refuse(sock, "400 Bad Request", "bad Sec-WebSocket-Key")
    sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept_key(key) +
                  "\r\n\r\n").encode())
    return parts[1], rest


def encode_frame(opcode, payload, fin=True):
    """A server frame: never masked (RFC 6455 section 5.1)."""
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", first, n)
    elif n < 65536:
        head = struct.pack("!BBH", first, 126, n)
    else:
        head = struct.pack("!BBQ", first, 127, n)
    return head + payload


class Connection:
    """One server-side WebSocket connection over a connected (possibly TLS) socket."""

    def __init__(self, sock, leftover=b"", max_message=MAX_MESSAGE):
        self.sock = sock
        self._buffer = bytearray(leftover)
        self.max_message = max_message
        self.closed = False
        # on_event(name, **fields) is called before a close frame goes out (the client's close
        # echoed, or ours on a protocol error), so that whoever waits for that frame finds the
        # event already recorded.
        self.on_event = lambda kind, /, **fields: None

    def _need(self, n):
        while len(self._buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                self.closed = True
                raise Closed(None, False, "connection closed without a close frame")
            self._buffer += chunk
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def _fail(self, code, reason):
        self.on_event("refused", stage="websocket", reason=reason, code=code)
        self.send_close(code)
        self.closed = True
        raise Closed(None, False, reason)

    def _frame_header(self):
        b0, b1 = self._need(2)
        fin, rsv, opcode = b0 & 0x80, b0 & 0x70, b0 & 0x0F
        masked, length = b1 & 0x80, b1 & 0x7F
        if rsv:
            self._fail(CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension")
        if not masked:
            self._fail(CLOSE_PROTOCOL_ERROR, "client frame not masked")
        if length == 126:
            (length,) = struct.unpack("!H", self._need(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._need(8))
            if length >> 63:
                self._fail(CLOSE_PROTOCOL_ERROR, "64-bit length with the top bit set")
        if opcode >= 0x8 and (not fin or length > 125):
            self._fail(CLOSE_PROTOCOL_ERROR, "fragmented or oversized control frame")
        return bool(fin), opcode, length

    def _payload(self, length):
        mask = self._need(4)
        data = self._need(length)
        return bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def receive_text(self):
        """The next complete text message (str); answers pings; raises Closed."""
        message, kind = bytearray(), None
        while True:
            fin, opcode, length = self._frame_header()
            if opcode >= 0x8:
                self._control(opcode, self._payload(length))
                continue
            if opcode == OP_CONTINUATION and kind is None:
                self._fail(CLOSE_PROTOCOL_ERROR, "continuation without a message")
            if opcode in (OP_TEXT, OP_BINARY) and kind is not None:
                self._fail(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one")
            if opcode not in (OP_CONTINUATION, OP_TEXT, OP_BINARY):
                self._fail(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode}")
            if len(message) + length > self.max_message:
                self._fail(CLOSE_TOO_BIG, f"message over {self.max_message} bytes")
            kind = kind if opcode == OP_CONTINUATION else opcode
            message += self._payload(length)
            if fin:
                break
        if kind == OP_BINARY:
            self._fail(CLOSE_UNSUPPORTED_DATA, "binary message")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            self._fail(CLOSE_INVALID_DATA, "text message is not UTF-8")

    def _control(self, opcode, payload):
        if opcode == OP_PING:
            self.sock.sendall(encode_frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            if len(payload) == 1:
                self._fail(CLOSE_PROTOCOL_ERROR, "close frame with a 1-byte body")
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            self.on_event("client-close", code=code, frame=True)
            try:
                self.sock.sendall(encode_frame(OP_CLOSE, payload[:2]))
            except OSError:
                pass
            self.closed = True
            raise Closed(code, True, "client closed")
        elif opcode != OP_PONG:
            self._fail(CLOSE_PROTOCOL_ERROR, f"unknown control opcode {opcode}")

    def send_text(self, text):
        self.sock.sendall(encode_frame(OP_TEXT, text.encode("utf-8")))

    def send_close(self, code=CLOSE_NORMAL):
        try:
            self.sock.sendall(encode_frame(OP_CLOSE, struct.pack("!H", code)))
        except OSError:
            pass
