#!/usr/bin/env bash
# Figures for the all-in-one deployment on a fresh lab host (molecule scenario
# "default", Debian 12 unless BENCH_SCENARIO says otherwise):
#   - first converge (site playbook on a fresh host), seconds
#   - second, idempotent converge, seconds
#   - systemctl restart of the server unit until GET /ok answers 200, seconds
#     (median of BENCH_RESTARTS runs, default 5)
# Needs the lab images (tests/run.sh images, or lab/deploy.sh, builds them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
export NO_COLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
scenario="${BENCH_SCENARIO:-default}"
restarts="${BENCH_RESTARTS:-5}"
host="$(sed -n 's/^  - name: //p' "molecule/$scenario/molecule.yml" | head -n1)"
log="$root/build/bench-$scenario.log"
mkdir -p "$root/build"

seconds() { python3 -c 'import sys,time; print(f"{time.monotonic()-float(sys.argv[1]):.1f}")' "$1"; }
now() { python3 -c 'import time; print(time.monotonic())'; }

trap 'molecule destroy -s "$scenario" >>"$log" 2>&1 || true' EXIT
molecule destroy -s "$scenario" >"$log" 2>&1
molecule create -s "$scenario" >>"$log" 2>&1
molecule prepare -s "$scenario" >>"$log" 2>&1

t=$(now); molecule converge -s "$scenario" >>"$log" 2>&1; first=$(seconds "$t")
t=$(now); molecule converge -s "$scenario" >>"$log" 2>&1; second=$(seconds "$t")
changed=$(grep -E "$host +: ok=" "$log" | tail -n1 | sed -E 's/.*changed=([0-9]+).*/\1/' || true)

samples=()
for _ in $(seq 1 "$restarts"); do
  samples+=("$(docker exec -i "$host" python3 - <<'PY'
import subprocess, time, urllib.request
start = time.monotonic()
subprocess.run(["systemctl", "restart", "langgraph-server.service"], check=True)
while True:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8000/ok", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() - start > 300:
        raise SystemExit("no /ok within 300 s")
    time.sleep(0.05)
print(f"{time.monotonic() - start:.2f}")
PY
)")
done
median=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')

printf 'scenario                         %s (%s)\n' "$scenario" "$host"
printf 'first converge                   %s s\n' "$first"
printf 'second converge (idempotent)     %s s (changed=%s)\n' "$second" "$changed"
printf 'restart to GET /ok 200           %s s median of %s (%s)\n' "$median" "$restarts" "${samples[*]}"
