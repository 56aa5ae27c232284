#!/usr/bin/env bash
# Measures amtcfg's flows against the simulator with injected latency (DESIGN.md section 7):
# MEI messages, APF and TLS handshakes, WS-Man calls, wall time, CPU time and peak RSS, as one table.
# Usage: scripts/bench.sh [--runs N] [--latency-mei MS] [--latency-wsman MS]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5 latency_mei=2 latency_wsman=30
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --latency-mei) latency_mei=$2; shift 2 ;;
    --latency-wsman) latency_wsman=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--latency-mei MS] [--latency-wsman MS]" >&2; exit 2 ;;
  esac
done

scripts/build.sh build >/dev/null
# A C measurer: its own tiny footprint keeps the child's peak RSS honest (Linux carries the
# parent's high-water mark across exec, so a Python or C++ parent would inflate it).
cc -O2 -o build/bench_measure scripts/bench_measure.c

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# bench NAME [OPTION]... -- COMMAND...: runs COMMAND $runs times under the simulator; each run
# leaves its measurement (NAME-i.run.json) and the simulator's counters (NAME-i.stats.json) in
# $work. Options: --no-sim runs it bare (version needs no MEI, and the simulator library's own
# start-up would be charged to it); --lms runs the simulated LMS; --state-from FILE starts each
# run from a copy of FILE (a device state), --fresh-state from the default pre-provisioned device,
# --device-file FILE from that device file.
bench() {
  local name=$1; shift
  local use_sim=1 lms=() from="" fresh=0 device=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case $1 in
      --no-sim) use_sim=0; shift ;;
      --lms) lms=(--lms); shift ;;
      --state-from) from=$2; shift 2 ;;
      --fresh-state) fresh=1; shift ;;
      --device-file) device=(--device-file "$2"); fresh=1; shift 2 ;;
      *) echo "bench: unknown option $1" >&2; exit 2 ;;
    esac
  done
  shift
  for i in $(seq "$runs"); do
    local stats="$work/$name-$i.stats.json" state="$work/$name-$i.state.json" sim=()
    rm -f "$state"
    [ -z "$from" ] || cp "$from" "$state"
    if [ "$use_sim" = 1 ]; then
      sim=(scripts/with-sim.sh --latency-mei "$latency_mei" --latency-wsman "$latency_wsman"
        "${lms[@]}" "${device[@]}")
      [ -z "$from" ] && [ "$fresh" = 0 ] || sim+=(--state "$state")
      sim+=(--)
    fi
    AMTCFG_SIM_STATS=$stats "${sim[@]}" build/bench_measure -- "$@" >"$work/$name-$i.run.json"
    [ -f "$stats" ] || echo '{}' >"$stats"
  done
}

# Device states for maintain: configured (CCM) with nothing due, and the same device with its
# clock an hour ahead and a stale host name (clock and hostname due).
escrow=$work/escrow.jsonl
scripts/with-sim.sh --state "$work/configured.json" -- \
  build/amtcfg configure --profile examples/ccm-basic.xml --escrow "$escrow" >/dev/null
(umask 077 && python3 - "$escrow" "$work/configured.json" "$work/due.json" "$work/password" <<'STATES'
import json, sys
escrow, configured, due, password = sys.argv[1:]
records = [json.loads(l) for l in open(escrow) if l.strip()]
# The newest admin password with its value (outcome records carry none).
admin = [r for r in records if r.get("secret") == "admin-password" and "value" in r]
open(password, "w").write(admin[-1]["value"])
state = json.load(open(configured))
state.update(clock_offset_seconds=3600, hostname="stale-name")
json.dump(state, open(due, "w"))
STATES
)
# The full CCM profile: every step CCM allows, the power package and a user included.
configure=(build/amtcfg configure --profile examples/ccm-full.xml --escrow "$escrow")
maintain=(build/amtcfg maintain --auto --password "file:$work/password"
  --profile examples/ccm-basic.xml)

bench info -- build/amtcfg info --json
# info with the admin password adds the WS-Man reads (issue 3): over the simulated LMS, and
# over amtcfg's own LME tunnel with no LMS running.
info_password=(build/amtcfg info --json --password "file:$work/password")
bench info-password-lms --state-from "$work/configured.json" --lms -- \
  "${info_password[@]}" --transport lms
bench info-password-lme --state-from "$work/configured.json" -- \
  "${info_password[@]}" --transport lme
bench version --no-sim -- build/amtcfg version
bench configure-lme --fresh-state -- "${configure[@]}"
bench configure-lms --fresh-state --lms -- "${configure[@]}"
bench maintain-none-due --state-from "$work/configured.json" -- "${maintain[@]}"
bench maintain-all-due --state-from "$work/due.json" -- "${maintain[@]}"
# AMT 19 with TLS enforced (issue 11): the same CCM profile over TLS, the chain made once.
export AMTCFG_SIM_TLS_DIR=$work/tls
bash tests/certs/make-sim-tls.sh "$AMTCFG_SIM_TLS_DIR"
cat >"$work/amt19.json" <<'DEVICE'
{"amt_version": "19.0.5", "build": "1421", "tls_enforced": true, "control_mode": 0,
 "provisioning_state": 0}
DEVICE
configure_tls=(build/amtcfg --amt-ondie-root "$AMTCFG_SIM_TLS_DIR/ondie-root.pem" configure
  --profile examples/ccm-full.xml --escrow "$escrow")
bench configure-amt19-lme --device-file "$work/amt19.json" -- "${configure_tls[@]}"
bench configure-amt19-lms --device-file "$work/amt19.json" --lms -- "${configure_tls[@]}"

# Remote configuration (issue 13): CCM through the RPS stand-in, which drives the WS-Man through
# amtcfg's relay; the stand-in runs for all runs of both rows (it keeps no state a pre-provisioned
# device depends on).
unset AMTCFG_SIM_TLS_DIR
cat >"$work/rps-profiles.json" <<'PROFILES'
{"profiles": {"office": {"activation": "ccm", "admin_password": "Bench!Passw0rd-1",
  "redirection": {"kvm": true, "sol": true, "ider": false, "user_consent": "all"}}}}
PROFILES
# With --port-file -, the stand-in prints its port once it listens: reading it is the wait.
exec {standin_out}< <(exec /usr/bin/python3 tests/rps/rps_standin.py --port-file - \
  --profiles "$work/rps-profiles.json" --state "$work/rps-vault.json" \
  --record "$work/rps-record.jsonl")
standin=$!
trap 'kill $standin 2>/dev/null; rm -rf "$work"' EXIT
read -r rps_port <&"$standin_out"
remote=(build/amtcfg --json configure --server "ws://127.0.0.1:$rps_port/activate"
  --profile office)
# amtcfg logs (info) how long the relay itself took, apart from waiting for AMT.
bench remote-ccm-lme --fresh-state -- "${remote[@]}" --transport lme \
  --log-file "$work/remote-ccm-lme.log"
bench remote-ccm-lms --fresh-state --lms -- "${remote[@]}" --transport lms \
  --log-file "$work/remote-ccm-lms.log"
kill "$standin"

python3 - "$work" "$runs" "$latency_mei" "$latency_wsman" <<'PY'
import json, re, statistics, sys
work, runs, lat_mei, lat_wsman = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])

def leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, path + (key,))
    elif isinstance(node, (int, float)):
        yield path, node

def count(stats, group, words):
    """Sum of the simulator's counters under `group` whose name mentions one of `words`
    (e.g. mei.amthi.messages); None when the simulator keeps no such counter."""
    found = [v for p, v in leaves(stats.get(group, {})) if any(w in p[-1] for w in words)]
    return sum(found) if found else None

rows, failures, remote_notes = [], [], []
names = ("info", "info-password-lms", "info-password-lme", "version", "configure-lme",
         "configure-lms", "maintain-none-due", "maintain-all-due", "configure-amt19-lme",
         "configure-amt19-lms", "remote-ccm-lme", "remote-ccm-lms")
for name in names:
    results = [json.load(open(f"{work}/{name}-{i}.run.json")) for i in range(1, runs + 1)]
    stats = json.load(open(f"{work}/{name}-{runs}.stats.json"))
    mei = count(stats, "mei", ("message",))
    apf = count(stats, "apf", ("handshake",))
    # Authenticated calls: the simulator's latency applies to those, not to 401 challenges.
    wsman = stats.get("wsman", {}).get("calls")
    http = stats.get("wsman", {}).get("http_requests")
    # TLS handshakes as the simulated AMT served them (AMT 19 rows only).
    full = count(stats, "tls", ("full",))
    resumed = count(stats, "tls", ("resum",))
    if name == "configure-lme":
        breakdown = leaves(stats.get("wsman", {}).get("operations", {}))
        operations = ", ".join(f"{'.'.join(p)} {v}" for p, v in breakdown)
    wall = statistics.median(r["wall_ms"] for r in results)
    cpu = statistics.median(r["cpu_ms"] for r in results)
    rss = max(r["max_rss_kb"] for r in results) / 1024
    if name == "version":
        budget = 5.0
    elif name.startswith("remote"):
        budget = None  # section 7 budgets the relay's own time (below), not the server's
    elif name.startswith("configure"):
        # CCM activation plus a full profile (section 7): 1.2 x the injected latency (WS-Man
        # calls and MEI messages) + 100 ms; over TLS each full handshake may add 10 ms.
        budget = 1.2 * ((wsman or 0) * lat_wsman + (mei or 0) * lat_mei) + 100 + 10 * (full or 0)
    elif name.startswith("maintain"):
        budget = None  # section 7 sets no wall budget for maintain
    elif mei is not None:
        budget = 1.2 * (mei * lat_mei + (wsman or 0) * lat_wsman) + 10
    else:
        budget = None
    status = {r["status"] for r in results}
    # Section 7 sets the 10 MB peak RSS budget for info and version. info --password loads
    # libcurl and its thirty libraries (about 7 MB more), so it is measured but not held to it.
    rss_ok = rss <= 10 or name not in ("info", "version")
    ok = status == {0} and rss_ok and (budget is None or wall <= budget)
    if name.startswith("remote"):
        # Section 7: the relay adds at most 2 ms per relayed request on top of AMT's time, as
        # amtcfg measured it around each request (its log, one line per run).
        runs_seen = re.findall(r"AMT ([0-9.]+) ms, the relay [0-9.]+ ms \(([0-9.]+) ms per request\)",
                               open(f"{work}/{name}.log").read())
        amt = statistics.median(float(a) for a, _ in runs_seen)
        relay = statistics.median(float(r) for _, r in runs_seen)
        ok = ok and relay <= 2.0
        remote_notes.append(f"{name}: {http} relayed requests; waiting for AMT {amt:.0f} ms "
                            f"(injected {(wsman or 0) * lat_wsman:.0f}); the relay's own time "
                            f"{relay:.3f} ms per request (budget 2 ms); the rest of the wall time "
                            f"is amtcfg's start, the MEI facts and the stand-in's own work; "
                            f"median of {len(runs_seen)} runs")
    if not ok:
        failures.append(name)
    fmt = lambda v: "-" if v is None else str(v)
    tls = "-" if full is None else f"{full}/{resumed or 0}"
    rows.append((name, fmt(mei), fmt(apf), tls, fmt(wsman), fmt(http), f"{wall:.1f}", f"{cpu:.1f}",
                 f"{rss:.1f}", "-" if budget is None else f"{budget:.1f}",
                 "ok" if ok else f"OVER (exit {sorted(status)})"))

head = ("flow", "MEI msgs", "APF handshakes", "TLS full/resumed", "WS-Man calls", "HTTP requests", "wall ms",
        "CPU ms", "peak RSS MB", "wall budget ms", "")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
load = open("/proc/loadavg").read().split()[0]
print(f"median of {runs} runs; latency {lat_mei:g} ms per MEI message, "
      f"{lat_wsman:g} ms per WS-Man call; RSS budget 10 MB (info, version); load average {load} "
      f"(wall times are only meaningful on an idle machine)")
for row in [head] + rows:
    print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
print(f"configure-lme calls: {operations}")
for note in remote_notes:
    print(note)
sys.exit(1 if failures else 0)
PY
