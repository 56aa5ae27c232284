"""The raw HTTP/1.1 the stand-in relays (rps-protocol.md section 4) and digest auth (wsman.md 2)."""

import hashlib
import os
import re


def md5_hex(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def build_request(body, uuid, port, authorization=None, keep_alive=False):
    """A complete request as RPS wraps it: Host <uuid>:<port>, chunked body, Connection: close
    (keep-alive inside RPS's persistent TLS tunnel)."""
    data = body.encode("utf-8")
    head = "POST /wsman HTTP/1.1\r\n"
    if authorization:
        head += f"Authorization: {authorization}\r\n"
    connection = "keep-alive" if keep_alive else "close"
    head += (f"Host: {uuid}:{port}\r\nTransfer-Encoding: chunked\r\n"
             f"Connection: {connection}\r\n\r\n")
    return head.encode() + f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n"


def parse_challenge(value):
    """WWW-Authenticate: Digest realm="...", nonce="...", ... -> dict (lower-case keys)."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        raise ValueError(f"not a digest challenge: {value!r}")
    params = {}
    for match in re.finditer(r'([A-Za-z]+)\s*=\s*("([^"]*)"|[^,\s]*)', rest):
        params[match.group(1).lower()] = (
            match.group(3) if match.group(3) is not None else match.group(2))
    return params


class Digest:
    """Digest state for one user against one device: the last challenge and its nc counter."""

    def __init__(self, username, password):
        self.username = username
        self.password = password
        self.challenge = None
        self.nc = 0

    def for_user(self, username, password):
        """Other credentials on the same nonce, as RPS keeps its challenge when it switches to
        admin; nc keeps counting because the device counts per nonce."""
        other = Digest(username, password)
        other.challenge, other.nc = self.challenge, self.nc
        return other

    def take_challenge(self, challenge):
        self.challenge = challenge
        self.nc = 0

    def header(self, method="POST", uri="/wsman"):
        if self.challenge is None:
            return None
        if "auth" not in [q.strip() for q in self.challenge.get("qop", "").split(",")]:
            raise ValueError("the device offers no qop=auth")
        self.nc += 1
        nc = f"{self.nc:08x}"
        cnonce = os.urandom(16).hex()
        realm, nonce = self.challenge["realm"], self.challenge["nonce"]
        ha1 = md5_hex(f"{self.username}:{realm}:{self.password}")
        ha2 = md5_hex(f"{method}:{uri}")
        response = md5_hex(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        return (f'Digest username="{self.username}",realm="{realm}",nonce="{nonce}",'
                f'uri="{uri}",qop="auth",response="{response}",nc="{nc}",cnonce="{cnonce}"')


class ResponseError(Exception):
    pass


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def _dechunk(data):
    body, pos = b"", 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise ResponseError("truncated chunk size line")
        size_text = data[pos:end].split(b";")[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
            raise ResponseError(f"bad chunk size {size_text!r}")
        size = int(size_text, 16)
        pos = end + 2
        if size == 0:
            return body
        if len(data) < pos + size + 2 or data[pos + size:pos + size + 2] != b"\r\n":
            raise ResponseError("truncated or badly framed chunk")
        body += data[pos:pos + size]
        pos += size + 2


def parse_response(data):
    """Parses one complete raw HTTP response (chunked, Content-Length, or up to the end)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise ResponseError("response head incomplete")
    lines = head.decode("latin-1").split("\r\n")
    match = re.fullmatch(r"HTTP/1\.[01] (\d{3})(?: .*)?", lines[0])
    if not match:
        raise ResponseError(f"bad status line {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise ResponseError(f"bad header line {line!r}")
        headers.append((name.strip(), value.strip()))
    response = Response(int(match.group(1)), headers, b"")
    encoding = response.header("Transfer-Encoding")
    length = response.header("Content-Length")
    if encoding and encoding.lower() == "chunked":
        response.body = _dechunk(rest)
    elif length is not None:
        if not length.isdigit() or len(rest) < int(length):
            raise ResponseError("body shorter than Content-Length")
        response.body = rest[:int(length)]
    else:
        response.body = rest
    return response


def response_complete(data):
    """Whether data holds one whole response by its framing (no framing: only at the close)."""
    if b"\r\n\r\n" not in data:
        return False
    try:
        response = parse_response(data)
    except ResponseError:
        return False
    encoding = response.header("Transfer-Encoding")
    return (encoding is not None and encoding.lower() == "chunked") or \
        response.header("Content-Length") is not None


def response_closes(data):
    connection = parse_response(data).header("Connection") or ""
    return "close" in [t.strip().lower() for t in connection.split(",")]
