#!/usr/bin/env bash
# Installs the Debian packages amtcfg needs, builds it, and shows it working against the
# simulated AMT (tests/sim): each step prints the command and its result.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh build

step() {
  printf '\n$ %s\n' "$*"
  "$@"
}

step scripts/with-sim.sh -- build/amtcfg info
step scripts/with-sim.sh -- build/amtcfg info --json
