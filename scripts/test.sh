#!/usr/bin/env bash
# Installs what it needs, builds, and runs every test with ctest; then again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
AMTCFG_WITH_CLANG=1 scripts/deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure -j"$(nproc)")
if [ "${AMTCFG_SKIP_SANITIZERS:-0}" != 1 ]; then
  BUILD_TYPE=Debug scripts/build.sh build-asan -DAMTCFG_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$(nproc)")
fi
