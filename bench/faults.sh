#!/usr/bin/env bash
# How long an all-in-one deployment takes to recover from each fault of the
# default scenario (molecule/default/faults.yml): the server's process killed, PostgreSQL,
# Redis and Docker restarted, PostgreSQL frozen for 30 s, a reboot, each while
# three background runs of 8 s are running and bench/load.py sends a steady
# load straight to the server (runs/wait, a stream, background runs of 4 s,
# thread reads). Runs the scenario (all of it: the faults come last) on a
# fresh lab host and prints, per fault,
# the seconds until GET /ok?check_db=1 answers again and until every run has
# ended, how the runs ended, and what the load saw; build/bench/faults.json
# keeps them with each request timeline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/bench-faults"
rm -rf "$work"
mkdir -p "$work" "$root/build/bench"
export PATH="$root/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
export FAULTS_REPORT="$work/results.json"
(cd "$root" && molecule test -s default) >"$work/molecule.log" 2>&1 ||
  { echo "the default scenario failed: $work/molecule.log" >&2; exit 1; }

python3 - "$work" "$root/build/bench/faults.json" <<'PY'
import json, sys
work, figures = sys.argv[1:]
results = json.load(open(f"{work}/results.json"))
print(f"{'fault':<28} {'/ok again':>10} {'runs ended':>11}  {'runs: success/lost/taken again':<32}"
      f" {'load: requests':>14} {'failed':>7} {'max gap':>8} {'slowest wait':>13}")
for result in results:
    load = json.load(open(f"{work}/load-{result['fault']}.json"))
    result["load"] = load
    result["load"]["fault_s"] = round(float(result["started_at"]) - load["started_at"], 1)
    runs = f"{result['success']}/{result['lost']}/{result['taken_again']} (of {result['runs']})"
    print(f"{result['fault']:<28} {result['healthy_after_s']:>9}s {result['runs_ended_after_s']:>10}s  {runs:<32}"
          f" {load['requests']:>14} {load['failed']:>7} {load['longest_gap_s']:>7}s"
          f" {load['slowest_call_s'].get('wait', 0):>12}s")
json.dump(results, open(figures, "w"))
PY
