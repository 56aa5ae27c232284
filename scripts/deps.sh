#!/usr/bin/env bash
# Installs the Debian 12 packages amtcfg needs to build and test; does nothing when all are present.
# scep (scepserver) and certmonger are the real CA software the issuer tests run against;
# tinyproxy is the real HTTP proxy the server-connection tests tunnel through.
# dpkg-dev (dpkg-shlibdeps) and file serve cpack -G DEB; lintian and ansible-core the package
# and Ansible tests (tests/package); python3-jsonschema checks the CLI tests' --json results
# against docs/schema/ (tests/cli/validate_json.py).
set -euo pipefail
packages=(cmake g++ make pkg-config libcli11-dev libcurl4-openssl-dev libssl-dev libpugixml-dev
  libfmt-dev nlohmann-json3-dev catch2 openssl python3 iproute2
  scep certmonger tinyproxy
  dpkg-dev file lintian ansible-core python3-jsonschema)
[ "${AMTCFG_WITH_CLANG:-0}" = 1 ] && packages+=(clang libclang-rt-dev clang-format clang-tidy)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
