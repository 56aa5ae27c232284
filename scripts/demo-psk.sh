#!/usr/bin/env bash
# Demo of `amtcfg create-psk`: PID/PPS keys, a USB setup.bin, and its inspection. Needs no
# simulator; scripts/demo.sh calls it (BUILD_DIR defaults to build/).
set -euo pipefail
cd "$(dirname "$0")/.."
amtcfg=${BUILD_DIR:-build}/amtcfg
[ -x "$amtcfg" ] || scripts/build.sh "${BUILD_DIR:-build}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

export DEMO_MEBX_PASSWORD='N3w-Passw0rd!'
step "$amtcfg" create-psk --count 3 --out "$work/keys.csv"
step cat "$work/keys.csv"
step "$amtcfg" create-psk --setup-bin "$work/setup.bin" --setup-version 4 \
    --current-mebx-password admin --new-mebx-password env:DEMO_MEBX_PASSWORD \
    --psk-file "$work/keys.csv" --dns-suffix corp.example \
    --provisioning-server 192.168.10.5:9971 --kvm on --user-consent none
step "$amtcfg" create-psk --inspect "$work/setup.bin"
# A file with the zero chunk count of old generators: inspect explains it and exits 3.
head -c 1024 "$work/setup.bin" >"$work/bad.bin"
printf '\000' | dd of="$work/bad.bin" bs=1 seek=16 conv=notrunc status=none
step "$amtcfg" create-psk --inspect "$work/bad.bin" || echo "(exit status $?: an invalid setup.bin)"
