#!/usr/bin/env bash
# Runs a command against a simulated AMT (DESIGN.md section 3, contract) and exits with its
# status. Builds nothing: it uses the simulator library of an existing build.
set -euo pipefail

usage() {
    cat >&2 <<'USAGE'
usage: scripts/with-sim.sh [--device-file FILE.json] [--state FILE] [--lms] [--fault SPEC]...
                           [--latency-mei MS] [--latency-wsman MS] -- COMMAND [ARGS...]
Runs COMMAND with a simulated /dev/mei0 (see tests/sim/README.md) and exits with its status.
USAGE
    exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
device_file="" state="" lms=0 faults="" latency_mei=0 latency_wsman=0
while [ $# -gt 0 ]; do
    case $1 in
    --device-file) [ $# -ge 2 ] || usage; device_file=$2; shift 2 ;;
    --state) [ $# -ge 2 ] || usage; state=$2; shift 2 ;;
    --lms) lms=1; shift ;;
    --fault) [ $# -ge 2 ] || usage; faults+="$2"$'\n'; shift 2 ;;
    --latency-mei) [ $# -ge 2 ] || usage; latency_mei=$2; shift 2 ;;
    --latency-wsman) [ $# -ge 2 ] || usage; latency_wsman=$2; shift 2 ;;
    --) shift; break ;;
    -h | --help) usage ;;
    *) echo "with-sim.sh: unknown option '$1'" >&2; usage ;;
    esac
done
[ $# -gt 0 ] || usage
if [ -n "$device_file" ] && [ ! -r "$device_file" ]; then
    echo "with-sim.sh: cannot read device file '$device_file'" >&2
    exit 2
fi

# The library: $AMTCFG_SIM_LIB, else the build COMMAND lives in (build-asan/amtcfg uses
# build-asan's), else build/.
lib=${AMTCFG_SIM_LIB:-}
if [ -z "$lib" ]; then
    command_path=$(command -v -- "$1" || true)
    candidate="$(dirname -- "${command_path:-.}")/tests/sim/libamtcfg_sim.so"
    if [ -n "$command_path" ] && [ -f "$candidate" ]; then lib=$candidate; else
        lib=$root/build/tests/sim/libamtcfg_sim.so; fi
fi
if [ ! -f "$lib" ]; then
    echo "with-sim.sh: simulator library $lib is missing; build first (scripts/build.sh build)" >&2
    exit 2
fi
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")

# An ASan build's library needs the ASan runtime loaded before it.
preload=$lib
asan=$(ldd "$lib" 2>/dev/null | awk '/libasan/ {print $3}')
[ -z "$asan" ] || preload="$asan:$lib"

absolute() { case $1 in /*) echo "$1" ;; "") echo "" ;; *) echo "$PWD/$1" ;; esac; }
export AMTCFG_SIM_DEVICE_FILE=$(absolute "$device_file")
export AMTCFG_SIM_STATE_FILE=$(absolute "$state")
export AMTCFG_SIM_LMS=$lms
# --lms: the simulated LMS listens on a free 127.0.0.1 port inside each amtcfg process, and
# amtcfg finds it through AMTCFG_LMS_PORT (a port nothing answers on is free to bind).
# The port is taken below the kernel's ephemeral range, so that the local port of some
# outgoing connection cannot hold it between this choice and the listener's bind.
if [ "$lms" = 1 ] && [ -z "${AMTCFG_LMS_PORT:-}" ]; then
    ephemeral_low=32768
    read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    span=$((ephemeral_low - 10000))
    [ "$span" -ge 1000 ] || span=22768
    for _ in $(seq 100); do
        port=$((10000 + RANDOM % span))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    done
    export AMTCFG_LMS_PORT=$port
fi
# A TLS-enforced device (the --state file if it exists, else the device file) serves the chain
# tests/certs/make-sim-tls.sh makes: into $AMTCFG_SIM_TLS_DIR when the caller set it (kept, and
# reused once its `done` marker exists), else into a temporary directory removed at exit.
# COMMAND gets the chain's root as AMTCFG_SIM_ONDIE_ROOT (contract, issue 11).
device_json=$device_file
[ -n "$state" ] && [ -e "$state" ] && device_json=$state
tls_enforced=0
if [ -n "$device_json" ]; then
    tls_enforced=$(python3 -c 'import json, sys
try:
    print(1 if json.load(open(sys.argv[1])).get("tls_enforced") is True else 0)
except Exception:
    print(0)  # the library check below names what is wrong with the file' "$device_json")
fi
if [ "$tls_enforced" = 1 ]; then
    tls_dir=${AMTCFG_SIM_TLS_DIR:-}
    if [ -z "$tls_dir" ]; then
        tls_dir=$(mktemp -d "${TMPDIR:-/tmp}/amtcfg-sim-tls.XXXXXX")
        trap 'rm -rf "$tls_dir"' EXIT
    fi
    mkdir -p "$tls_dir"
    # Runs sharing one directory make it once: the lock serialises them, `done` ends the rest.
    if ! (flock 9 && "$root/tests/certs/make-sim-tls.sh" "$tls_dir" >/dev/null 2>&1) \
        9>"$tls_dir/.lock"; then
        echo "with-sim.sh: tests/certs/make-sim-tls.sh failed in $tls_dir" >&2
        exit 2
    fi
    export AMTCFG_SIM_TLS_DIR=$(cd "$tls_dir" && pwd)
    export AMTCFG_SIM_ONDIE_ROOT=$AMTCFG_SIM_TLS_DIR/ondie-root.pem
fi
export AMTCFG_SIM_FAULTS=$faults
export AMTCFG_SIM_LATENCY_MEI=$latency_mei
export AMTCFG_SIM_LATENCY_WSMAN=$latency_wsman

# Report a bad fault spec or device file once, before COMMAND runs.
env AMTCFG_SIM_CHECK=1 LD_PRELOAD="$preload" true || exit 2

status=0
LD_PRELOAD=$preload${LD_PRELOAD:+:$LD_PRELOAD} "$@" || status=$?
# A COMMAND that never touched the device still leaves the state file behind (the contract).
if [ -n "$state" ] && [ ! -e "$state" ]; then
    env AMTCFG_SIM_CHECK=save LD_PRELOAD="$preload" true || true
fi
exit "$status"
