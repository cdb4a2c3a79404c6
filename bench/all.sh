#!/usr/bin/env bash
# Every benchmark in one run, then one report of their figures
# (bench/report.py: bench/results/report.md, report.json and the charts).
# On the all-in-one lab host of molecule's scenarios: converge.sh, faults.sh;
# on the lab cluster (lab/deploy.sh cluster, deployed when it is not up):
# proxy.sh, upgrade.sh, soak.sh, queue.sh. BENCH_ONLY="faults soak" runs only those;
# the report takes the others' figures from their last run (build/bench).
# Takes about 65 minutes on a 2-core machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for bench in ${BENCH_ONLY:-converge faults proxy upgrade soak queue}; do
  printf '\n== %s\n' "$bench"
  start=$SECONDS
  "$root/bench/$bench.sh"
  printf '(%d s)\n' "$((SECONDS - start))"
done
printf '\n== report\n'
"$root/.venv/bin/python" "$root/bench/report.py" --figures "$root/build/bench" --out "$root/bench/results" >/dev/null
echo "bench/results/report.md, report.json and the charts written"
