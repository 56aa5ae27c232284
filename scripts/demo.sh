#!/usr/bin/env bash
# Installs the Debian packages amtcfg needs, builds it, and shows it working against the
# simulated AMT (tests/sim): info, configure, maintain, unconfigure and create-psk, each step
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

step scripts/demo-psk.sh
printf '\ndemo.sh: all steps succeeded\n'
