#!/usr/bin/env bash
# Installs the Debian packages amtcfg needs, builds it, and shows it working against the
# simulated AMT (tests/sim): info, configure, maintain, unconfigure, TLS from a local CA, a
# remote activation through a provisioning server (the RPS stand-in) and create-psk, each step
# printing the command and its result. Exits 0 on success; stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh build

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'echo "demo.sh: FAILED at line $LINENO (the step above); see its output" >&2' ERR

step() {
  printf '\n$ %s\n' "$*"
  "$@"
}

# One device for the whole demo: its state file carries each command's changes to the next.
# It starts pre-provisioned with AMT's clock an hour ahead, so that maintain has work to do.
state=$work/amt-state.json
printf '{"clock_offset_seconds": 3600}\n' >"$work/device.json"
sim=(scripts/with-sim.sh --device-file "$work/device.json" --state "$state" --)

step "${sim[@]}" build/amtcfg info
step "${sim[@]}" build/amtcfg info --json
step "${sim[@]}" build/amtcfg configure --profile examples/ccm-basic.xml \
  --escrow "$work/escrow.jsonl" --dry-run
step "${sim[@]}" build/amtcfg configure --profile examples/ccm-basic.xml \
  --escrow "$work/escrow.jsonl"
step "${sim[@]}" build/amtcfg info

# The generated admin password lives only in the escrow file (0600), marked set for this
# device's UUID; maintain reads it from there (escrow:FILE), as the nightly task does. The same
# configure command line converges on every later run. The demo never prints the password.
step "${sim[@]}" build/amtcfg configure --profile examples/ccm-basic.xml \
  --escrow "$work/escrow.jsonl"
step "${sim[@]}" build/amtcfg maintain --auto --password "escrow:$work/escrow.jsonl" \
  --profile examples/ccm-basic.xml --escrow "$work/escrow.jsonl"
step "${sim[@]}" build/amtcfg unconfigure
step "${sim[@]}" build/amtcfg info

# TLS with a certificate from a local CA (<tls> with the file issuer): AMT makes the key pair,
# the CA signs AMT's request, amtcfg reads AMT's port 16993 until it serves the certificate,
# verified to the CA; info --password then reads the configuration back over TLS (the pin in
# the escrow file says how to verify AMT).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 30 \
  -subj '/CN=Demo Lab CA' -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign 2>/dev/null
cat >"$work/tls.xml" <<PROFILE
<?xml version="1.0"?>
<amtcfg-profile version="1" name="demo-tls">
  <activation mode="ccm"><admin-password source="random"/></activation>
  <tls mode="server">
    <issuer type="file" ca-certificate="$work/ca.pem" ca-key="$work/ca.key" validity-days="90"/>
  </tls>
</amtcfg-profile>
PROFILE
step "${sim[@]}" build/amtcfg configure --profile "$work/tls.xml" --escrow "$work/escrow.jsonl"
step "${sim[@]}" build/amtcfg info --password "escrow:$work/escrow.jsonl"
step "${sim[@]}" build/amtcfg unconfigure --password "escrow:$work/escrow.jsonl"

# Remote configuration: a provisioning server (tests/rps, a stand-in for the Device Management
# Toolkit's RPS) activates the device in CCM by driving WS-Man through amtcfg's relay, and
# deactivates it again; the server keeps the admin password, amtcfg sends what it checks.
cat >"$work/rps-profiles.json" <<'PROFILES'
{"profiles": {"office": {"activation": "ccm", "admin_password": "Demo!Passw0rd-1",
  "redirection": {"kvm": true, "sol": true, "ider": false, "user_consent": "all"}}}}
PROFILES
exec {rps_out}< <(exec /usr/bin/python3 tests/rps/rps_standin.py --port-file - \
  --profiles "$work/rps-profiles.json" --state "$work/rps-vault.json" \
  --record "$work/rps-record.jsonl")
rps_pid=$!
trap 'kill $rps_pid 2>/dev/null; rm -rf "$work"' EXIT
read -r rps_port <&"$rps_out" # the stand-in prints its port once it listens
server=ws://127.0.0.1:$rps_port/activate
step "${sim[@]}" build/amtcfg configure --server "$server" --profile office
export DEMO_AMT_PASSWORD='Demo!Passw0rd-1'
step "${sim[@]}" build/amtcfg unconfigure --server "$server" --password env:DEMO_AMT_PASSWORD

step scripts/demo-psk.sh
printf '\ndemo.sh: all steps succeeded\n'
