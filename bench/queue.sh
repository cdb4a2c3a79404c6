#!/usr/bin/env bash
# How long a burst of background runs takes with queue autoscaling, against a
# fixed minimum and a fixed maximum of workers, in one run on the lab cluster
# (lab/deploy.sh cluster, run first when its hosts are not up). For each layout
# the server hosts get its settings (site on langgraph_server), then
# BENCH_BURST_RUNS (80) runs of BENCH_BURST_SECONDS (8) s go at once to the
# first server (bench/queue_burst.py):
#   fixed-min   one worker per host
#   fixed-max   four workers per host
#   autoscaled  one to four per host (interval 2 s, cooldown 30 s)
# Prints, for each, how long the burst took from the first start to the last
# end, how the runs ended, and per host the most workers it ran, how soon, and
# how soon after the burst it was back to one; build/bench/queue.json keeps
# them. The lab's own settings (two fixed workers) are put back at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/bench-queue"
. "$root/bench/lab.sh"
lab_cluster "$work"
export PATH="$root/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/build/installed"
runs="${BENCH_BURST_RUNS:-80}"
seconds="${BENCH_BURST_SECONDS:-8}"
servers=(langgraph-lab-api1 langgraph-lab-api2)
exporters=()
for host in "${servers[@]}"; do exporters+=(--workers "http://$(address "$host" langgraph-lab-private):9100/metrics"); done

site() {
  ansible-playbook -i "$root/lab/cluster.yml" -e "@$root/.cache/lab/secrets.yml" --limit langgraph_server "$@" \
    langgraph_ops.standalone.site >>"$work/site.log" 2>&1
}

: >"$work/site.log"
echo '{}' >"$work/queue.json"
for layout in fixed-min fixed-max autoscaled; do
  case "$layout" in
    fixed-min) settings='{"langgraph_server_queue_workers": 1}' ;;
    fixed-max) settings='{"langgraph_server_queue_workers": 4}' ;;
    autoscaled) settings='{"langgraph_server_queue_workers": 1, "langgraph_server_queue_workers_max": 4,
                           "langgraph_server_autoscale_interval": 2, "langgraph_server_autoscale_cooldown": 30}' ;;
  esac
  site -e "$settings"
  # Only the autoscaler reports its workers and goes back to the minimum.
  watch=()
  [ "$layout" = autoscaled ] && watch=("${exporters[@]}" --min 1 --back-to-min-seconds 120)
  python3 "$root/bench/queue_burst.py" --url "http://$(address langgraph-lab-api1 langgraph-lab-private):8000" --runs "$runs" \
    --run-seconds "$seconds" "${watch[@]}" >"$work/$layout.json"
  python3 - "$work/queue.json" "$layout" "$work/$layout.json" <<'PY'
import json, sys
figures_file, layout, burst_file = sys.argv[1:]
figures = json.load(open(figures_file))
burst = json.load(open(burst_file))
burst.pop("run_ids")
figures[layout] = burst
json.dump(figures, open(figures_file, "w"), indent=1)
hosts = "; ".join(f"{url.split('//')[1].split(':')[0]}: 1 -> {one['most']} workers in {one['seconds_to_most']} s, "
                  f"back to 1 {one['seconds_back_to_min']} s after" for url, one in burst["hosts"].items())
print(f"{layout:<11} {burst['runs']} runs of {burst['run_seconds']:g} s: {burst['burst_s']} s, {burst['states']}"
      + (f"; {hosts}" if hosts else ""))
PY
done
site
cp "$work/queue.json" "$root/build/bench/queue.json"
