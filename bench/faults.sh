#!/usr/bin/env bash
# How long an all-in-one deployment takes to recover from each fault of the
# faults scenario (molecule/faults): the server's process killed, PostgreSQL,
# Redis and Docker restarted, PostgreSQL frozen for 30 s, a
# reboot, each while three background runs of 8 s are running. Runs the
# scenario on a fresh lab host and prints, per fault, the seconds until
# GET /ok?check_db=1 answers again and until every run has ended, and how
# the runs ended (also in build/bench-faults/faults.json).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/bench-faults"
mkdir -p "$work"
export PATH="$root/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
export FAULTS_REPORT="$work/faults.json"
rm -f "$FAULTS_REPORT"
(cd "$root" && molecule test -s faults) >"$work/molecule.log" 2>&1 ||
  { echo "the faults scenario failed: $work/molecule.log" >&2; exit 1; }

python3 - "$FAULTS_REPORT" <<'PY'
import json, sys
print(f"{'fault':<28} {'/ok again':>10} {'runs ended':>11}  success/lost/taken again (of runs)")
for r in json.load(open(sys.argv[1])):
    print(f"{r['fault']:<28} {r['healthy_after_s']:>9}s {r['runs_ended_after_s']:>10}s  "
          f"{r['success']}/{r['lost']}/{r['taken_again']} (of {r['runs']})")
PY
