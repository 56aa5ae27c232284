#!/usr/bin/env python3
# Run under scripts/with-sim.sh --lms --device-file FILE (AMTCFG_SIM_LMS_PROGRAM=python3) for a
# TLS-enforced device: checks the with-sim.sh contract of issue 11 (AMTCFG_SIM_ONDIE_ROOT names
# the root of the chain the simulated LMS serves on AMTCFG_LMS_PORT), that plain HTTP is
# refused and that a reconnecting client resumes its session. Usage: tls_probe.py pre|post.
# Exits non-zero naming the first failed check.
import os
import socket
import ssl
import sys

REQUEST = b"POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"


def fail(what):
    sys.exit("tls_probe: " + what)


def main():
    mode = sys.argv[1]
    port = int(os.environ["AMTCFG_LMS_PORT"])
    root = os.environ.get("AMTCFG_SIM_ONDIE_ROOT", "")
    if not os.path.isfile(root):
        fail("AMTCFG_SIM_ONDIE_ROOT is not a file: %r" % root)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    if mode == "pre":
        context.load_verify_locations(root)  # the ODCA chain verifies to the test root
    else:
        context.load_verify_locations(os.path.join(os.path.dirname(root), "post.pem"))
    session = None
    for attempt in range(2):
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with context.wrap_socket(raw, session=session) as tls:
                tls.sendall(REQUEST)
                status = tls.recv(65536).split(b"\r\n")[0]
                if status != b"HTTP/1.1 401 Unauthorized":
                    fail("unexpected answer %r" % status)
                if tls.session_reused != (attempt == 1):
                    fail("session resumption: attempt %d reused=%s" % (attempt, tls.session_reused))
                session = tls.session
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(REQUEST)
        if raw.recv(100) != b"":
            fail("plain HTTP was answered on the TLS port")
    print("tls_probe: ok")


main()
