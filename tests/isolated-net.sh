#!/usr/bin/env bash
# Runs a test binary in a network namespace of its own with only the loopback interface up.
# The CA software some tests start cannot be told to listen on 127.0.0.1 alone (scepserver and
# `openssl cmp`'s mock server bind every address); in the namespace every address is loopback,
# so nothing the tests start is reachable from outside. Needs root (as tests run); without the
# privilege it says so and runs the test as it is.
set -euo pipefail
if unshare --net true 2>/dev/null; then
  exec unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "isolated-net.sh: cannot make a network namespace (not root?); the CA servers this test" \
  "starts listen on every address while it runs" >&2
exec "$@"
