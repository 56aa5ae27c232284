#!/usr/bin/python3
"""A protocol-faithful stand-in for the Device Management Toolkit's RPS (protocol 4.0.0), written
from shared/reference/rps-protocol.md and wsman.md, for amtcfg's tests. Run it with
/usr/bin/python3 (standard library and the `openssl` command line only).

Interface (fixed; tests/rps/README.md has the details):

  /usr/bin/python3 tests/rps/rps_standin.py --port-file FILE --profiles FILE.json
      --state FILE.json --record FILE.jsonl [--tls-cert PEM --tls-key PEM]
      [--scenario NAME] [--ondie-root PEM]

- Binds 127.0.0.1 port 0 and writes the port (decimal and a newline) to --port-file by rename
  once listening (--port-file -: prints it on standard output instead, for a shell that waits by
  reading it); serves connections one after another until SIGTERM (exit 0) or SIGINT.
- --tls-cert/--tls-key: wss instead of ws.
- --profiles: {"profiles": {NAME: {"activation": "ccm"|"acm", "admin_password": ...,
  "mebx_password" (acm, optional), "domain_suffix" (acm), "provisioning_cert" (acm, PFX path),
  "provisioning_cert_password" (acm), "redirection": {"kvm", "sol", "ider": bool,
  "user_consent": "none"|"kvm"|"all"}}}}; read at start (a bad file: exit 2).
- --state: the Vault, {"devices": {uuid: {"amt_password", "mebx_password"}}}: read at the start
  of each connection, written (temporary file + rename, 0600) after an activation or a
  deactivation.
- --record: one JSON object per line, flushed at once: payload (secrets as ***), wsman (action,
  HTTP status), result (method, message), client-close (code, frame), refused (stage, reason),
  heartbeat, scenario, evil-port, connect, tunnel. Secrets are never recorded.
- --scenario: normal (default), refuse-version, close-mid-flow, oversized, evil-port, heartbeat.
- --ondie-root: the On-Die CA root that AMT 19's certificate must chain to in the TLS tunnel
  (payload tlsEnforced: port_switch, port_switch_ack, then TLS records as tls_data).
"""

import argparse
import faulthandler
import os
import signal
import socket
import ssl
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from standin import store  # noqa: E402
from standin.connection import Handler  # noqa: E402

SCENARIOS = ("normal", "refuse-version", "close-mid-flow", "oversized", "evil-port", "heartbeat")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="RPS stand-in for amtcfg's tests")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--profiles", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--scenario", default="normal", choices=SCENARIOS)
    parser.add_argument("--ondie-root")
    options = parser.parse_args(argv)
    if bool(options.tls_cert) != bool(options.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        options.profiles = store.load_profiles(options.profiles)
    except (OSError, ValueError, store.ConfigError) as error:
        parser.error(f"--profiles: {error}")
    return options


def main(argv):
    options = parse_arguments(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    faulthandler.register(signal.SIGUSR1)  # kill -USR1: where is it stuck?
    context = None
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)
    recorder = store.Recorder(options.record)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = f"{listener.getsockname()[1]}\n"
    if options.port_file == "-":  # a reader of standard output waits for this line
        sys.stdout.write(port)
        sys.stdout.flush()
    else:
        store.write_atomically(options.port_file, port)
    while True:
        sock, _ = listener.accept()
        try:
            if context is not None:
                try:
                    sock = context.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as error:
                    recorder.event("refused", stage="tls", reason=str(error))
                    continue
            Handler(sock, options, recorder).run()
        except OSError as error:
            recorder.event("refused", stage="connection", reason=str(error))
        except Exception as error:  # a bug in the stand-in: say so, keep serving the next test
            traceback.print_exc()
            recorder.event("refused", stage="internal", reason=repr(error))
        finally:
            sock.close()


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(0)
